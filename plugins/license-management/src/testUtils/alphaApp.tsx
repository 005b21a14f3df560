import { createApp } from '@backstage/frontend-defaults';
import { createFrontendModule, type IdentityApi } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { mockApis } from '@backstage/test-utils';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';
import type { LicenseStatus } from '@backstage-licensing/plugin-license-management-common';
import { http, HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';
import { licenseManagementFeatures } from '../alpha';
import { type FakeBackend, licenseHandlers } from './server';

/** A whole app renders in jsdom: slow on a busy machine. */
export const UI = { timeout: 20_000 };

export const configData = (permissionEnabled: boolean) => ({
  app: { title: 'Test portal', baseUrl: 'http://localhost' },
  // The fake backend of ./testUtils/server answers at http://example.com/api/license-management.
  backend: { baseUrl: 'http://example.com' },
  permission: { enabled: permissionEnabled },
});

const guest: IdentityApi = {
  getProfileInfo: async () => ({ displayName: 'Guest' }),
  getBackstageIdentity: async () => ({
    type: 'user',
    userEntityRef: 'user:development/guest',
    ownershipEntityRefs: ['user:development/guest'],
  }),
  getCredentials: async () => ({ token: 'guest-token' }),
  signOut: async () => {},
};

/** The app's sign-in page, as simple as it gets: one button. */
const signIn = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: {
        loader: async () => props => <button onClick={() => props.onSignInSuccess(guest)}>Sign in</button>,
      },
    }),
  ],
});

let fake: FakeBackend;
/** The fake backend of the app rendered last. */
export const currentFake = () => fake;

/** Renders a new-frontend-system app with License Management (default export of /alpha) at `path`, and signs in. */
export async function renderApp(server: SetupServer, path: string, status: LicenseStatus, options: { deny?: string[] } = {}) {
  renderSignInPage(server, path, status, options);
  await userEvent.click(await screen.findByRole('button', { name: 'Sign in' }, UI));
}

export function renderSignInPage(server: SetupServer, path: string, status: LicenseStatus, options: { deny?: string[] } = {}) {
  fake = { status, licenses: status.base ? [status.base, ...status.plus] : [], records: [], seen: [] };
  server.use(...licenseHandlers(fake));
  const deny = new Set(options.deny ?? []);
  server.use(
    http.post('http://example.com/api/permission/authorize', async ({ request }) => {
      const body = (await request.json()) as { items: { id: string; permission: { name: string } }[] };
      return HttpResponse.json({
        items: body.items.map(i => ({ id: i.id, result: deny.has(i.permission.name) ? 'DENY' : 'ALLOW' })),
      });
    }),
  );
  window.history.replaceState(null, '', path);
  const config = mockApis.config({ data: configData(options.deny !== undefined) });
  const app = createApp({ features: [licenseManagementFeatures, signIn], advanced: { configLoader: async () => ({ config }) } });
  return render(app.createRoot());
}

