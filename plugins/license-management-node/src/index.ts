/**
 * Node library of the License Management plugin: the license service that
 * other backend plugins inject (`licenseServiceRef`), the usage extension
 * point, and license tokens, license files and request keys (used by the
 * backend and by license-ctl).
 *
 * @packageDocumentation
 */
export * from './domain';
export * from './service';
export * from './permissions';
