/**
 * The published packages, in dependency order: what `npm run build:published`
 * builds and the install test packs. Everything else in the repository
 * (packages/app, packages/backend, test) is private.
 */
export const PUBLISHED = [
  'plugins/license-management-common',
  'plugins/license-management-node',
  'plugins/license-management-react',
  'plugins/license-management',
  'plugins/license-management-backend',
  'plugins/permission-backend-module-license-management',
  'packages/license-ctl',
];
