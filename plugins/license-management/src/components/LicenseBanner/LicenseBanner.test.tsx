import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { LicenseStatus } from '@backstage-licensing/plugin-license-management-common';
import { setupServer } from 'msw/node';
import React from 'react';
import {
  expiredStatus,
  expiringStatus,
  quotaExceededStatus,
  validStatus,
} from '../../testUtils/fixtures';
import { renderLicensing } from '../../testUtils/renderLicensing';
import { licenseHandlers } from '../../testUtils/server';
import { LicenseBanner } from './LicenseBanner';

// Material tables and dialogs render slowly in jsdom on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

async function renderBanner(status: LicenseStatus) {
  server.use(...licenseHandlers({ status, licenses: [], records: [], seen: [] }));
  return renderLicensing(<LicenseBanner />);
}

beforeEach(() => sessionStorage.clear());

describe('LicenseBanner for an admin', () => {
  it('shows nothing while the license is fine', async () => {
    const { container } = await renderBanner(validStatus());
    await waitFor(() => expect(container).toBeEmptyDOMElement());
  });

  it('warns with the days left when the license expires soon, and links to the page', async () => {
    await renderBanner(expiringStatus(10));
    expect(await screen.findByText('License expires in 10 days')).toBeInTheDocument();
    expect(screen.getByText(/Upload a renewal to avoid an interruption/)).toBeInTheDocument();
    const link = await screen.findByRole('link', { name: 'Open License Management' });
    expect(link).toHaveAttribute('href', '/license-management');
  });

  it('lets a warning be dismissed for the session', async () => {
    await renderBanner(expiringStatus(10));
    await userEvent.click(await screen.findByRole('button', { name: 'Dismiss for this session' }));
    expect(screen.queryByText('License expires in 10 days')).not.toBeInTheDocument();
    expect(sessionStorage.getItem('license-management.dismissed-notices')).toContain('LICENSE_EXPIRING');
  });

  it('shows an expired license as an error that cannot be dismissed', async () => {
    await renderBanner(expiredStatus());
    expect(await screen.findByText('License expired')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Dismiss for this session' })).not.toBeInTheDocument();
  });

  it('shows an exceeded quota', async () => {
    await renderBanner(quotaExceededStatus());
    expect(await screen.findByText('Licensed quota exceeded')).toBeInTheDocument();
    expect(screen.getByText(/Hosts: 130 in use, 100 authorized/)).toBeInTheDocument();
  });

  it('shows license server, USB key and clock exceptions', async () => {
    await renderBanner(
      validStatus({
        exceptions: [
          { code: 'LICENSE_SERVER_DISCONNECTED', message: 'The license server https://ls.example.com cannot be reached.' },
          { code: 'USB_KEY_MISSING', message: 'No USB key is plugged in.' },
          { code: 'USB_KEY_FAULT', message: 'The USB key cannot be read.' },
          { code: 'USB_KEY_ABNORMAL', message: 'Two USB keys are plugged in.' },
          { code: 'CLOCK_ROLLBACK', message: 'The system clock is behind.' },
        ],
      }),
    );
    for (const title of [
      'License server disconnected',
      'USB key missing',
      'USB key fault',
      'USB key abnormal',
      'System clock turned back',
    ]) {
      expect(await screen.findByText(title)).toBeInTheDocument();
    }
    expect(screen.getAllByRole('link', { name: 'Open License Management' })).toHaveLength(5);
  });
});
