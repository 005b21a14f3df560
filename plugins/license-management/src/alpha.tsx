/**
 * License Management for the new frontend system.
 *
 * The default export is the frontend plugin (API, page with its Overview and
 * Licensing Records sub-pages, sidebar item); the default export of the
 * package root is its app module (the license notices above every page and
 * the guard). Feature discovery (`app.packages: all`) loads the default
 * exports of `.` and `./alpha`, so it installs both. Both are also named
 * exports here, and `licenseManagementFeatures` installs them together for
 * `createApp({ features })`.
 *
 * @packageDocumentation
 */
import {
  ApiBlueprint,
  PageBlueprint,
  PluginHeaderActionBlueprint,
  SubPageBlueprint,
  createFrontendFeatureLoader,
  createFrontendModule,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  identityApiRef,
} from '@backstage/frontend-plugin-api';
import { AppRootWrapperBlueprint } from '@backstage/plugin-app-react';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import VpnKeyIcon from '@material-ui/icons/VpnKey';
import { recordReadPermission } from '@backstage-licensing/plugin-license-management-common';
import {
  LicenseManagementClient,
  licenseManagementApiRef,
  licenseManagementRouteRef,
} from '@backstage-licensing/plugin-license-management-react';
import React, { type ReactNode } from 'react';
import { LicenseGuard } from './components/LicenseGuard';
import { LicenseNoticesFrame } from './components/LicenseNoticesFrame';

const TITLE = 'License Management';
const rootRouteRef = convertLegacyRouteRef(licenseManagementRouteRef);

/** The License Management API: `api:license-management`. */
const licenseManagementApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: licenseManagementApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef, identityApi: identityApiRef },
      factory: deps => new LicenseManagementClient(deps),
    }),
});

/** The page, `page:license-management`, at /license-management; its title and icon make the sidebar item. */
const licenseManagementPage = PageBlueprint.make({
  params: {
    path: '/license-management',
    routeRef: rootRouteRef,
    title: TITLE,
    icon: <VpnKeyIcon />,
  },
});

/** `sub-page:license-management/overview`: the whole license picture and the admin actions. */
const overviewSubPage = SubPageBlueprint.make({
  name: 'overview',
  params: {
    path: 'overview',
    title: 'Overview',
    loader: () => import('./components/LicenseManagementPage/subPages').then(m => <m.OverviewSubPage />),
  },
});

/** `sub-page:license-management/records`: for those allowed to read the licensing records. */
const recordsSubPage = SubPageBlueprint.make({
  name: 'records',
  if: { permissions: { $contains: `${recordReadPermission.name}#${recordReadPermission.attributes.action}` } },
  params: {
    path: 'records',
    title: 'Licensing Records',
    loader: () => import('./components/LicenseManagementPage/subPages').then(m => <m.RecordsSubPage />),
  },
});

/** Edition, status and product version in the page header. */
const headerSummary = PluginHeaderActionBlueprint.make({
  name: 'summary',
  params: {
    loader: () => import('./components/LicenseHeaderSummary').then(m => <m.LicenseHeaderSummary />),
  },
});

/** The License Management frontend plugin (new frontend system). */
export const licenseManagementPlugin = createFrontendPlugin({
  pluginId: 'license-management',
  title: TITLE,
  icon: <VpnKeyIcon />,
  routes: { root: rootRouteRef },
  extensions: [licenseManagementApi, licenseManagementPage, overviewSubPage, recordsSubPage, headerSummary],
});

/**
 * App-wide parts, for the `app` plugin: `app-root-wrapper:app/license-notices`
 * shows the portal's license notices above every page after sign-in, and
 * `app-root-wrapper:app/license-guard` sends every page but License Management
 * there once the Base license has expired. Either can be turned off in
 * `app.extensions` config.
 */
export const licenseManagementAppModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    AppRootWrapperBlueprint.make({
      name: 'license-notices',
      params: { component: ({ children }: { children: ReactNode }) => <LicenseNoticesFrame>{children}</LicenseNoticesFrame> },
    }),
    AppRootWrapperBlueprint.make({
      name: 'license-guard',
      params: { component: ({ children }: { children: ReactNode }) => <LicenseGuard>{children}</LicenseGuard> },
    }),
  ],
});

/** The plugin and its app module together, for `createApp({ features: [licenseManagementFeatures] })`. */
export const licenseManagementFeatures = createFrontendFeatureLoader({
  loader: () => [licenseManagementPlugin, licenseManagementAppModule],
});

export default licenseManagementPlugin;
