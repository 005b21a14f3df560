/**
 * The vendor side of License Management, offline: sign license tokens, build
 * `.tar.gz` license archives, read and verify the request keys portals write.
 * `license-ctl vendor …` is built on it. A portal never needs it: the runtime
 * packages (`-backend`, `-node`, `-common`) only verify licenses.
 *
 * Keys (`generateEd25519KeyPair`, `readEd25519PrivateKey`, `keyIdOf`...) and
 * reading license files are shared with the portal and live in
 * `@backstage-licensing/plugin-license-management-common/node`.
 *
 * @packageDocumentation
 */
export { signLicenseToken, type LicenseSigner } from './sign';
export { buildTarGz, type ArchiveEntry } from './archive';
export { verifyRequestKey } from './requestKey';
export { RequestKeyError, type RequestKeyContent } from '@backstage-licensing/plugin-license-management-common/node';
