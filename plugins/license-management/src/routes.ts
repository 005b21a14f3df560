import { createRouteRef } from '@backstage/core-plugin-api';

/** The License Management page. */
export const rootRouteRef = createRouteRef({ id: 'license-management' });
