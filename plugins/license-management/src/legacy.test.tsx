import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import type { LicenseStatus } from '@backstage-licensing/plugin-license-management-common';
import { setupServer } from 'msw/node';
import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { LicenseBanner, LicenseGate, LicenseGuard, LicenseManagementPage } from './index';
import { expiredStatus, expiringStatus, validStatus } from './testUtils/fixtures';
import { renderLicensing } from './testUtils/renderLicensing';
import { licenseHandlers } from './testUtils/server';

// Material tables render slowly in jsdom on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

/** A legacy app's routes, as the README tells legacy apps to set them up. */
const app = (
  <LicenseGuard>
    <LicenseBanner />
    <Routes>
      <Route path="/home" element={<LicenseGate feature="gpu">GPU dashboard</LicenseGate>} />
      <Route path="/license-management/*" element={<LicenseManagementPage />} />
    </Routes>
  </LicenseGuard>
);

async function renderAt(path: string, status: LicenseStatus, gpu = true) {
  const fake = {
    status,
    licenses: status.base ? [status.base, ...status.plus] : [],
    records: [],
    seen: [] as string[],
    check: () =>
      gpu
        ? { allowed: true, code: 'OK' as const, message: 'Licensed.' }
        : { allowed: false, code: 'NOT_LICENSED' as const, message: 'GPU Service is not covered by the license.' },
  };
  server.use(...licenseHandlers(fake));
  await renderLicensing(app, { routeEntries: [path] });
}

describe('the legacy frontend system exports', () => {
  it('render the page with its tabs at the mounted route', async () => {
    await renderAt('/license-management', validStatus());
    expect(await screen.findByTestId('license-summary')).toHaveTextContent('Base License + 1 Plus License');
    expect(screen.getByRole('tab', { name: 'Overview' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Licensing Records' })).toBeInTheDocument();
  });

  it('show the notices and gate features on other pages, linking to the page', async () => {
    await renderAt('/home', expiringStatus(10), false);
    const banner = await screen.findByTestId('license-banner');
    expect(within(banner).getByText('License expires in 10 days')).toBeInTheDocument();
    expect(within(banner).getByRole('link', { name: 'Open License Management' })).toHaveAttribute(
      'href',
      '/license-management',
    );
    expect(await screen.findByTestId('license-gate-message')).toHaveTextContent('GPU Service is not covered by the license.');
    expect(screen.queryByText('GPU dashboard')).not.toBeInTheDocument();
  });

  it('send every page to the License Management page once the Base license has expired', async () => {
    await renderAt('/home', expiredStatus());
    expect(await screen.findByText(/The Base license has expired: the other pages of the portal are closed/)).toBeInTheDocument();
    expect(screen.queryByText('GPU dashboard')).not.toBeInTheDocument();
  });
});
