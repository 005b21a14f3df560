import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import type { LicenseStatus } from '@backstage-licensing/plugin-license-management-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { communityStatus, expiredStatus, expiringStatus } from '../../testUtils/fixtures';
import { API, renderLicensing } from '../../testUtils/renderLicensing';
import { licenseHandlers } from '../../testUtils/server';
import { LicenseGuard } from './LicenseGuard';

// Material tables and dialogs render slowly in jsdom on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

const app = (
  <LicenseGuard>
    <Routes>
      <Route path="/" element={<div>Home page</div>} />
      <Route path="/catalog" element={<div>Catalog page</div>} />
      <Route path="/license-management/*" element={<div>License Management page</div>} />
    </Routes>
  </LicenseGuard>
);

async function renderAt(path: string, status: LicenseStatus) {
  server.use(...licenseHandlers({ status, licenses: [], records: [], seen: [] }));
  await renderLicensing(app, { routeEntries: [path] });
}

describe('LicenseGuard', () => {
  it('redirects every page to License Management once the Base license has expired', async () => {
    await renderAt('/catalog', expiredStatus());
    expect(await screen.findByText('License Management page')).toBeInTheDocument();
    expect(screen.queryByText('Catalog page')).not.toBeInTheDocument();
  });

  it('keeps License Management and its tabs open when expired, so a license can be uploaded', async () => {
    await renderAt('/license-management/records', expiredStatus());
    expect(await screen.findByText('License Management page')).toBeInTheDocument();
  });

  it.each([
    ['valid, even when expiring', expiringStatus(3)],
    ['community', communityStatus()],
  ])('lets everything through when the license is %s', async (_name, status) => {
    await renderAt('/catalog', status);
    expect(await screen.findByText('Catalog page')).toBeInTheDocument();
  });

  it('lets everything through when the status cannot be read (the backend enforces the license anyway)', async () => {
    server.use(http.get(`${API}/status`, () => HttpResponse.error()));
    await renderLicensing(app, { routeEntries: ['/'] });
    expect(await screen.findByText('Home page')).toBeInTheDocument();
  });
});
