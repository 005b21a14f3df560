import { LicenseError } from '../errors';

/**
 * The request key file, as the portal writes it (`createRequestKey` in
 * `-node`) and the vendor reads it (`verifyRequestKey` in `license-vendor`):
 * `#` comment lines and one JWS, EdDSA, with this `typ` and the installation
 * public key as `jwk` in its header, signed by the installation key.
 */
export const REQUEST_KEY_TYP = 'license-request-key';

/** What a request key tells the vendor. */
export interface RequestKeyContent {
  /** The Key ID, derived from the installation public key (`keyIdOf`). */
  keyId: string;
  productVersion: string;
  /** RFC 7638 thumbprint of the installation public key. */
  fingerprint: string;
  /** Ids of the licenses installed when the request key was made. */
  licenses: string[];
  /** ISO-8601. */
  createdAt: string;
  /** Where the portal runs, for the vendor's reference. */
  portal?: string;
}

/** A request key that cannot be made or trusted; the message says why and what to do. */
export class RequestKeyError extends LicenseError {
  override name = 'RequestKeyError';

  constructor(message: string) {
    super('invalid', message);
  }
}
