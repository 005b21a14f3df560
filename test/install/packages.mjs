/**
 * The published packages, in dependency order: what `npm run build:published`
 * builds and the install test packs. Everything else in the repository
 * (packages/app, packages/backend, test) is private.
 */

/**
 * The packages a portal runs: they verify licenses and must ship no signing
 * (signing, archives and reading request keys are license-vendor's).
 */
export const RUNTIME = [
  'plugins/license-management-common',
  'plugins/license-management-node',
  'plugins/license-management-backend',
];

/** What signs licenses or builds license archives: none of it may be in a RUNTIME package's dist/. */
export const SIGNING_WORDS = ['signLicenseToken', 'SignJWT', 'buildTarGz'];
export const PUBLISHED = [
  'plugins/license-management-common',
  'packages/license-vendor',
  'plugins/license-management-node',
  'plugins/license-management-react',
  'plugins/license-management',
  'plugins/license-management-backend',
  'plugins/permission-backend-module-license-management',
  'packages/license-ctl',
];
