import { MockFetchApi, TestApiProvider, mockApis, renderInTestApp } from '@backstage/test-utils';
import type { ApiRef } from '@backstage/core-plugin-api';
import React, { type ReactElement } from 'react';
import { LicenseManagementClient, licenseManagementApiRef, type LicenseManagementApi } from '../api';
import { licenseManagementRouteRef } from '../routes';

/** A real client against msw (see `API` in ./server). */
export function createTestClient(): LicenseManagementClient {
  return new LicenseManagementClient({ discoveryApi: mockApis.discovery(), fetchApi: new MockFetchApi() });
}

export interface RenderLicensingOptions {
  api?: LicenseManagementApi;
  /** More APIs, e.g. a fake signal API. */
  apis?: [ApiRef<any>, any][];
  routeEntries?: string[];
  /** Mount the License Management route ref at /license-management (default true). */
  mountPage?: boolean;
}

/** Renders in a legacy test app with the License Management API. */
export function renderLicensing(element: ReactElement, options: RenderLicensingOptions = {}) {
  const api = options.api ?? createTestClient();
  return renderInTestApp(
    <TestApiProvider apis={[[licenseManagementApiRef, api], ...(options.apis ?? [])]}>{element}</TestApiProvider>,
    {
      routeEntries: options.routeEntries,
      mountedRoutes: options.mountPage === false ? undefined : { '/license-management': licenseManagementRouteRef },
    },
  );
}
