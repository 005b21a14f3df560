import { createApp, resolveAsyncFeatures } from '@backstage/frontend-defaults';
import { createFrontendModule, type IdentityApi } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';
import type { LicenseStatus } from '@backstage-licensing/plugin-license-management-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import plugin, { licenseManagementAppModule, licenseManagementFeatures, licenseManagementPlugin } from './alpha';
import rootDefault from './index';
import { communityStatus, expiredStatus, expiringStatus, validStatus } from './testUtils/fixtures';
import { type FakeBackend, licenseHandlers } from './testUtils/server';

// A whole app renders in jsdom: slow on a busy machine.
jest.setTimeout(60_000);
const UI = { timeout: 20_000 };

const server = setupServer();
registerMswTestHooks(server);

const configData = (permissionEnabled: boolean) => ({
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

/** Renders a new-frontend-system app with License Management (default export of /alpha) at `path`, and signs in. */
async function renderApp(path: string, status: LicenseStatus, options: { deny?: string[] } = {}) {
  renderSignInPage(path, status, options);
  await userEvent.click(await screen.findByRole('button', { name: 'Sign in' }, UI));
}

function renderSignInPage(path: string, status: LicenseStatus, options: { deny?: string[] } = {}) {
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

beforeEach(() => sessionStorage.clear());

describe('License Management in the new frontend system', () => {
  it('has the plugin as the default export of /alpha and its app module as that of the package root, as discovery loads them', async () => {
    expect(plugin).toBe(licenseManagementPlugin);
    expect(rootDefault).toBe(licenseManagementAppModule);
    expect((plugin as any).$$type).toBe('@backstage/FrontendPlugin');
    expect((rootDefault as any).$$type).toBe('@backstage/FrontendModule');
    const config = mockApis.config({ data: configData(false) });
    const resolved = await resolveAsyncFeatures({ config, features: [licenseManagementFeatures] });
    expect(resolved.features).toEqual([licenseManagementPlugin, licenseManagementAppModule]);
    expect(licenseManagementPlugin.pluginId).toBe('license-management');
    expect(licenseManagementAppModule.pluginId).toBe('app');
  });

  it('mounts the page at /license-management with Overview and Licensing Records sub-pages and a sidebar item', async () => {
    await renderApp('/license-management', validStatus());
    expect(await screen.findByTestId('license-summary', {}, UI)).toBeInTheDocument();
    await waitFor(() => expect(window.location.pathname).toBe('/license-management/overview'));
    // No notices, no frame: the layout is as the app made it.
    expect(screen.queryByTestId('license-banner')).not.toBeInTheDocument();
    expect(screen.getByTestId('license-notices-frame')).not.toHaveClass(/LicenseNoticesFrame-framed/);
    expect(screen.getByText('Base License + 1 Plus License')).toBeInTheDocument();
    expect(screen.getAllByText('Overview').length).toBeGreaterThan(0);
    expect(screen.getByText('Licensing Records')).toBeInTheDocument();
    expect(await screen.findByTestId('license-header-summary', {}, UI)).toHaveTextContent(
      'Enterprise Prepaid · Valid · version 1.0.0',
    );
    const nav = screen.getByRole('navigation', { name: /sidebar/i });
    expect(within(nav).getByRole('link', { name: /License Management/ })).toHaveAttribute('href', '/license-management');
  });

  it('shows the license notices above the layout, after sign-in, on every page', async () => {
    renderSignInPage('/license-management/overview', expiringStatus(10));
    const signInButton = await screen.findByRole('button', { name: 'Sign in' }, UI);
    // Nothing of it on the sign-in page: not even a request for the status.
    expect(screen.queryByTestId('license-banner')).not.toBeInTheDocument();
    expect(fake.seen).toEqual([]);
    await userEvent.click(signInButton);
    const banner = await screen.findByTestId('license-banner', {}, UI);
    expect(within(banner).getByText('License expires in 10 days')).toBeInTheDocument();
    // Above the layout: the banner comes first in the frame, the sidebar after it.
    const frame = screen.getByTestId('license-notices-frame');
    expect(frame.firstElementChild).toContainElement(banner);
    expect(frame.lastElementChild).toContainElement(screen.getByRole('navigation', { name: /sidebar/i }));
    await waitFor(() => expect(frame).toHaveClass(/LicenseNoticesFrame-framed/));
  });

  it('sends every page to License Management once the Base license has expired', async () => {
    await renderApp('/some/other/page', expiredStatus());
    await waitFor(() => expect(window.location.pathname).toMatch(/^\/license-management/), UI);
    expect(
      await screen.findByText(/The Base license has expired: the other pages of the portal are closed/, {}, UI),
    ).toBeInTheDocument();
  });

  it('lets other pages be when the license is valid', async () => {
    await renderApp('/some/other/page', communityStatus());
    expect(await screen.findByText(/PAGE NOT FOUND/i, {}, UI)).toBeInTheDocument();
    expect(window.location.pathname).toBe('/some/other/page');
  });

  it('offers Licensing Records only to those allowed to read them', async () => {
    await renderApp('/license-management', validStatus(), {
      deny: ['license-management.record.read', 'license-management.license.create'],
    });
    expect(await screen.findByTestId('license-summary', {}, UI)).toBeInTheDocument();
    expect(screen.queryByText('Licensing Records')).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Upload License' })).toBeDisabled());
  });
});
