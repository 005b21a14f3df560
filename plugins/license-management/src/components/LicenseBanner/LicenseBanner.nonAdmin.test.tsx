// Permission answers are cached per process by usePermission (SWR), so the
// non-admin case lives in a file of its own.
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import React from 'react';
import { expiringStatus } from '../../testUtils/fixtures';
import { renderLicensing } from '../../testUtils/renderLicensing';
import { licenseHandlers } from '../../testUtils/server';
import { LicenseBanner } from './LicenseBanner';

const server = setupServer();
registerMswTestHooks(server);

describe('LicenseBanner for a user who is not a license admin', () => {
  it('says whom to ask instead of linking to the page', async () => {
    server.use(...licenseHandlers({ status: expiringStatus(3), licenses: [], records: [], seen: [] }));
    await renderLicensing(<LicenseBanner />, { deny: ['license-management.license.create'] });
    expect(await screen.findByText('License expires in 3 days')).toBeInTheDocument();
    expect(await screen.findByText(/Contact your portal administrator/)).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Open License Management' })).not.toBeInTheDocument();
  });
});
