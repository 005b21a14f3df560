import { resolveAsyncFeatures } from '@backstage/frontend-defaults';
import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { LicenseStatus } from '@backstage-licensing/plugin-license-management-common';
import { setupServer } from 'msw/node';
import plugin, { licenseManagementAppModule, licenseManagementFeatures, licenseManagementPlugin } from './alpha';
import rootDefault from './index';
import { communityStatus, expiredStatus, expiringStatus, validStatus } from './testUtils/fixtures';
import { UI, configData, currentFake, renderApp as renderAppOn, renderSignInPage as renderSignInPageOn } from './testUtils/alphaApp';

// A whole app renders in jsdom: slow on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);
const renderApp = (path: string, status: LicenseStatus) => renderAppOn(server, path, status);
const renderSignInPage = (path: string, status: LicenseStatus) => renderSignInPageOn(server, path, status);

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
    expect(currentFake().seen).toEqual([]);
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
});
