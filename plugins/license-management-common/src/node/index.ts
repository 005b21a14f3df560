/**
 * Node-only parts of License Management that both sides of the license
 * exchange use, each defined once: the portal (`-node`, `-backend`) and the
 * vendor (`license-vendor`, `license-ctl`). Ed25519 keys and the Key ID
 * derived from an installation key, the request key format, and reading
 * license files (text or `.tar.gz`, in memory). Nothing here signs licenses.
 *
 * Imported as `@backstage-licensing/plugin-license-management-common/node`;
 * the package root stays free of Node built-ins, for the browser.
 *
 * @packageDocumentation
 */
export * from './keys';
export * from './compactJws';
export * from './licenseFile';
export * from './requestKeyFormat';
