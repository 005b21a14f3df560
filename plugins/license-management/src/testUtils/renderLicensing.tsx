import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { permissionApiRef, type PermissionApi } from '@backstage/plugin-permission-react';
import {
  licenseManagementApiRef,
  licenseManagementRouteRef,
  type LicenseManagementApi,
} from '@backstage-licensing/plugin-license-management-react';
import React, { type ReactElement } from 'react';
import { createTestClient } from '../../../license-management-react/src/testUtils/render';

export { createTestClient };
export { API } from './server';

export interface RenderLicensingOptions {
  /** Permission names to deny; everything else is allowed. */
  deny?: string[];
  routeEntries?: string[];
  api?: LicenseManagementApi;
  /** Mount the License Management route ref (default true). */
  mountPage?: boolean;
}

/** Renders in a test app with the License Management API (real client against msw) and permissions. */
export function renderLicensing(element: ReactElement, options: RenderLicensingOptions = {}) {
  const deny = new Set(options.deny ?? []);
  const api = options.api ?? createTestClient();
  const permission: PermissionApi = {
    // AuthorizeResult's values, without a dependency on permission-common for tests.
    authorize: async req => ({ result: (deny.has(req.permission.name) ? 'DENY' : 'ALLOW') as any }),
  };
  return renderInTestApp(
    <TestApiProvider apis={[[licenseManagementApiRef, api], [permissionApiRef, permission]]}>{element}</TestApiProvider>,
    {
      routeEntries: options.routeEntries,
      mountedRoutes: options.mountPage === false ? undefined : { '/license-management': licenseManagementRouteRef },
    },
  );
}
