/**
 * Node library of the License Management plugin: the license service that
 * other backend plugins inject (`licenseServiceRef`), the usage extension
 * point, and what a portal needs of licenses: verifying license tokens,
 * reading license files, writing request keys, the installation key pair and
 * its Key ID. It verifies and never signs: signing licenses, building license
 * archives and reading request keys are the vendor's
 * (`@backstage-licensing/license-vendor`).
 *
 * @packageDocumentation
 */
export * from './domain';
export * from './service';
export * from './permissions';
