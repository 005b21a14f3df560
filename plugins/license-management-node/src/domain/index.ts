// Shared with the vendor side, defined once in -common's node-only entry
// point; re-exported so that the portal's packages find them here.
export {
  generateEd25519KeyPair,
  installationFingerprint,
  isCompactJws,
  keyIdOf,
  LicenseFileError,
  readEd25519PrivateKey,
  readEd25519PublicKey,
  readLicenseFile,
  RequestKeyError,
  type FileToken,
  type KeyPairPem,
  type LicenseFile,
  type RequestKeyContent,
} from '@backstage-licensing/plugin-license-management-common/node';
export { LICENSE_FILE_LIMITS } from '@backstage-licensing/plugin-license-management-common';
export * from './token';
export * from './requestKey';
