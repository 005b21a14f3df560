import type { AnyApiFactory } from '@backstage/core-plugin-api';

/**
 * App-wide API overrides. The defaults of `@backstage/app-defaults` cover
 * what this portal needs (discovery, fetch, identity, permission); the
 * License Management plugin brings its own API.
 */
export const apis: AnyApiFactory[] = [];
