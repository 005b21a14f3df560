/**
 * Shared types, permissions, the catalog and the license rules of the
 * License Management plugin. Plain TypeScript: usable in the browser, the
 * backend and the command line.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './catalog';
export * from './catalogView';
export * from './lists';
export * from './types';
export * from './errors';
export * from './claims';
export * from './limits';
export * from './evaluate';
export * from './slots';
export * from './deletion';
export * from './records';
export * from './uploadRules';
export * from './downgrade';
export * from './check';
export * from './constants';
export * from './notices';
export * from './pool';
export * from './sharingApi';
export * from './usbKey';
export * from './leaseClient';
