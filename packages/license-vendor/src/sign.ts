import { CompactSign } from 'jose';
import type { LicenseClaims } from '@backstage-licensing/plugin-license-management-common';
import { readEd25519PrivateKey } from '@backstage-licensing/plugin-license-management-common/node';

/** Who signs: the vendor key id named in the token header, and its private key. */
export interface LicenseSigner {
  kid: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
}

/**
 * Signs license claims with a vendor private key: a JWS in compact
 * serialization, `alg: EdDSA`, the `kid` and `typ: license+jwt` in its
 * header (PRODUCT.md §2.1). The claims are signed as given: check them first
 * (`claimsProblem` of `-common`).
 */
export async function signLicenseToken(claims: LicenseClaims, signer: LicenseSigner): Promise<string> {
  const key = readEd25519PrivateKey(signer.privateKeyPem, `Vendor key '${signer.kid}'`);
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'EdDSA', kid: signer.kid, typ: 'license+jwt' })
    .sign(key);
}
