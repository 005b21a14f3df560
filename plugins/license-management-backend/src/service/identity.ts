import { createPublicKey } from 'node:crypto';
import {
  keyIdOf,
  readEd25519PrivateKey,
} from '@backstage-licensing/plugin-license-management-node';
import { quotable } from '@backstage-licensing/plugin-license-management-common';
import type { InstallationIdentity } from '../database/LicenseStore';

/** The stored installation identity cannot be trusted; the backend must not start. */
export class InstallationIdentityError extends Error {
  name = 'InstallationIdentityError';
}

const RESTORE = 'Restore the license_installation row from a backup of this installation';

/**
 * The installation identity as stored, checked: the Key ID and the public key
 * are derived from the installation's private key every time they are read,
 * never taken from their columns (PRODUCT.md §2.1). A stored Key ID or public
 * key that disagrees means the row was edited (for instance to take another
 * portal's Key ID and accept its licenses): an error naming the problem.
 */
export function trustedIdentity(stored: InstallationIdentity): InstallationIdentity {
  let privateKey;
  try {
    privateKey = readEd25519PrivateKey(stored.privateKeyPem, 'the stored installation key');
  } catch (e) {
    throw new InstallationIdentityError(
      `License Management cannot start: ${(e as Error).message} (license_installation.private_key). ${RESTORE}.`,
    );
  }
  const publicKey = createPublicKey(privateKey);
  const keyId = keyIdOf(publicKey);
  let storedPublicKeyId: string | undefined;
  try {
    storedPublicKeyId = keyIdOf(stored.publicKeyPem);
  } catch {
    storedPublicKeyId = undefined;
  }
  if (storedPublicKeyId !== keyId) {
    throw new InstallationIdentityError(
      `License Management cannot start: the public key stored in license_installation.public_key is not the public half of the installation key (license_installation.private_key); the row was edited. ${RESTORE}.`,
    );
  }
  if (stored.keyId !== keyId) {
    throw new InstallationIdentityError(
      `License Management cannot start: the Key ID stored in license_installation.key_id ('${quotable(String(stored.keyId), 64)}') is not the Key ID derived from the installation key ('${keyId}'); the row was edited. The Key ID is never taken from storage: set key_id back to '${keyId}' or restore the row from a backup.`,
    );
  }
  return {
    keyId,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: stored.privateKeyPem,
    createdAt: stored.createdAt,
  };
}
