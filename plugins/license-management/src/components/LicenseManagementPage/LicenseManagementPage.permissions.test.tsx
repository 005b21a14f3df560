// Permission answers are cached per process by usePermission (SWR), so the
// denied case lives in a file of its own.
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import { setupServer } from 'msw/node';
import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { aLicense, aPlusLicense, validStatus } from '../../testUtils/fixtures';
import { renderLicensing } from '../../testUtils/renderLicensing';
import { licenseHandlers } from '../../testUtils/server';
import { LicenseManagementPage } from './LicenseManagementPage';

// Material tables and dialogs render slowly in jsdom on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

describe('LicenseManagementPage for a user without the admin permissions', () => {
  it('disables upload, request key and refresh, offers no delete and hides the records tab', async () => {
    server.use(
      ...licenseHandlers({ status: validStatus(), licenses: [aLicense(), aPlusLicense()], records: [], seen: [] }),
    );
    await renderLicensing(
      <Routes>
        <Route path="/license-management/*" element={<LicenseManagementPage />} />
      </Routes>,
      {
        routeEntries: ['/license-management'],
        deny: [
          'license-management.license.create',
          'license-management.license.delete',
          'license-management.request-key.read',
          'license-management.record.read',
        ],
      },
    );
    await screen.findByText('Plus Licenses (1)');
    await waitFor(() => expect(screen.getByRole('button', { name: /Upload License/ })).toBeDisabled());
    expect(screen.getByRole('button', { name: /Download Request Key/ })).toBeDisabled();
    expect(screen.getByRole('button', { name: /Refresh/ })).toBeDisabled();
    expect(screen.queryByRole('button', { name: /Delete VMware/ })).not.toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Overview' })).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Licensing Records' })).not.toBeInTheDocument();
  });
});
