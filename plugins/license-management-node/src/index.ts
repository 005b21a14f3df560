/**
 * Node library of the License Management plugin: license tokens, license
 * files and request keys (used by the backend and by license-ctl).
 *
 * @packageDocumentation
 */
export * from './domain';
