import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The License Management page. The page plugin mounts its page at this route
 * (legacy and new frontend system alike), so that gates and notices link to it
 * wherever the app put it, without depending on the page plugin.
 */
export const licenseManagementRouteRef = createRouteRef({ id: 'license-management' });
