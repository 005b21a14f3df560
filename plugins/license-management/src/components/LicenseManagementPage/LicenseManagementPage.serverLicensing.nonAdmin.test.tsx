// Permission answers are cached per process by usePermission (SWR), so the
// denied cases live in a file of their own.
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import { setupServer } from 'msw/node';
import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { aLicense, aPool, aServer, servingStatus, someSites } from '../../testUtils/fixtures';
import { renderLicensing } from '../../testUtils/renderLicensing';
import { type FakeBackend, licenseHandlers } from '../../testUtils/server';
import { UploadLicenseDialog } from '../UploadLicenseDialog';
import { LicenseManagementPage } from './LicenseManagementPage';

jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

const DENY = ['license-management.sharing.manage', 'license-management.license.create'];

describe('server licensing for a user without the admin permissions', () => {
  it('hides Client Sites on a license server and reads neither the sites nor the pool', async () => {
    const fake: FakeBackend = { status: servingStatus(), licenses: [aLicense()], records: [], seen: [], sites: someSites(), pool: aPool() };
    server.use(...licenseHandlers(fake));
    await renderLicensing(
      <Routes>
        <Route path="/license-management/*" element={<LicenseManagementPage />} />
      </Routes>,
      { routeEntries: ['/license-management'], deny: DENY },
    );
    expect(await screen.findByTestId('license-server')).toHaveTextContent('Serving client sites');
    await waitFor(() => expect(screen.getByRole('button', { name: /Upload License/ })).toBeDisabled());
    expect(screen.queryByTestId('client-sites')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Register client site' })).not.toBeInTheDocument();
    expect(fake.seen.filter(s => s.includes('/sharing/'))).toEqual([]);
  });

  it('offers no connect form in the Server method', async () => {
    server.use(...licenseHandlers({ status: servingStatus(), licenses: [], records: [], seen: [] }));
    await renderLicensing(<UploadLicenseDialog open onClose={() => {}} onUploaded={() => {}} server={aServer()} />, { deny: DENY });
    expect(await screen.findByText(/Only license admins can connect this portal to a license server/)).toBeInTheDocument();
    expect(screen.getByText(/It uses the license server at http:\/\/licenses.example.com:7007/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Connect' })).not.toBeInTheDocument();
  });
});
