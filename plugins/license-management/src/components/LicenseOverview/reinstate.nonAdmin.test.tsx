// Permission answers are cached per process by usePermission (SWR), so the
// denied case lives in a file of its own.
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { aLicense, aPlusLicense, validStatus } from '../../testUtils/fixtures';
import { renderLicensing } from '../../testUtils/renderLicensing';
import { licenseHandlers } from '../../testUtils/server';
import { LicenseManagementPage } from '../LicenseManagementPage';

jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

describe('Reinstate for a user without license.create', () => {
  it('is not offered, in the timeline or the Plus table', async () => {
    server.use(
      ...licenseHandlers({
        status: validStatus(),
        licenses: [aLicense({ id: 'old', state: 'superseded' }), aLicense(), aPlusLicense({ id: 'vm-old', state: 'superseded' }), aPlusLicense()],
        records: [],
        seen: [],
      }),
    );
    await renderLicensing(
      <Routes>
        <Route path="/license-management/*" element={<LicenseManagementPage />} />
      </Routes>,
      { routeEntries: ['/license-management'], deny: ['license-management.license.create'] },
    );
    await screen.findByText('Plus Licenses (2)');
    expect(await screen.findByTestId('expiry-timeline')).toBeInTheDocument();
    expect(screen.queryAllByRole('button', { name: /^Reinstate/ })).toEqual([]);
  });
});
