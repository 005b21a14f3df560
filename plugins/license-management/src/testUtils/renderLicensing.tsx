import { MockFetchApi, TestApiProvider, mockApis, renderInTestApp } from '@backstage/test-utils';
import { permissionApiRef, type PermissionApi } from '@backstage/plugin-permission-react';
import React, { type ReactElement } from 'react';
import { LicenseManagementClient, licenseManagementApiRef, type LicenseManagementApi } from '../api';
import { rootRouteRef } from '../routes';

/** Where msw answers in tests: the mock discovery's URL of the plugin. */
export const API = 'http://example.com/api/license-management';

export function createTestClient(): LicenseManagementClient {
  return new LicenseManagementClient({ discoveryApi: mockApis.discovery(), fetchApi: new MockFetchApi() });
}

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
      mountedRoutes: options.mountPage === false ? undefined : { '/license-management': rootRouteRef },
    },
  );
}
