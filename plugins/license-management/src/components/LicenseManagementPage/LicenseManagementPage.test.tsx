import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import React from 'react';
import { Route, Routes } from 'react-router-dom';
import {
  aLicense,
  aPlusLicense,
  communityStatus,
  expiredStatus,
  expiringStatus,
  KEY_ID,
  quotaExceededStatus,
  someRecords,
  validStatus,
} from '../../testUtils/fixtures';
import { renderLicensing } from '../../testUtils/renderLicensing';
import { type FakeBackend, licenseHandlers } from '../../testUtils/server';
import { LicenseManagementPage } from './LicenseManagementPage';

// Material tables and dialogs render slowly in jsdom on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

let fake: FakeBackend;
function serve(partial: Partial<FakeBackend>) {
  fake = { status: communityStatus(), licenses: [], records: [], seen: [], ...partial };
  server.use(...licenseHandlers(fake));
}

const page = (
  <Routes>
    <Route path="/license-management/*" element={<LicenseManagementPage />} />
  </Routes>
);
const renderPage = (options: { deny?: string[]; tab?: string } = {}) =>
  renderLicensing(page, { deny: options.deny, routeEntries: [`/license-management${options.tab ?? ''}`] });

describe('LicenseManagementPage', () => {
  it('shows a community portal: no Base license, what to do, and the Key ID', async () => {
    serve({ status: communityStatus() });
    await renderPage();
    expect(await screen.findByText('Community (no Base license)')).toBeInTheDocument();
    expect(screen.getByText(/No Base license: the portal runs the Community edition/)).toBeInTheDocument();
    expect(screen.getByTestId('key-id')).toHaveTextContent(KEY_ID);
    expect(screen.getByText(/No Plus licenses installed/)).toBeInTheDocument();
    expect(screen.getByText('No licenses installed yet.')).toBeInTheDocument();
  });

  it('shows a valid Enterprise Prepaid portal: summary, Base card, Plus table, quotas, timeline, USB key and server', async () => {
    const plus = aPlusLicense();
    serve({ status: validStatus(), licenses: [aLicense(), plus] });
    await renderPage();
    const summary = await screen.findByTestId('license-summary');
    expect(within(summary).getByText('Base License + 1 Plus License')).toBeInTheDocument();
    expect(within(summary).getByText('Enterprise Prepaid')).toBeInTheDocument();
    expect(within(summary).getByText('Licensing method').nextSibling).toHaveTextContent('Request key');
    expect(within(summary).getByText('1.0.0')).toBeInTheDocument();
    expect(within(summary).getByText('Example Corp')).toBeInTheDocument();

    const base = screen.getByTestId('base-license');
    expect(within(base).getByText('Valid')).toBeInTheDocument();
    expect(within(base).getByText(/^36[45] days$/)).toBeInTheDocument();
    expect(within(base).getByText('Hosts: 100')).toBeInTheDocument();

    const table = await screen.findByText('Plus Licenses (1)');
    expect(table).toBeInTheDocument();
    expect(screen.getAllByText('VMware Management').length).toBeGreaterThan(0);
    expect(screen.getByText('VMware CPUs: 32')).toBeInTheDocument();

    expect(screen.getByTestId('quota-hosts')).toHaveTextContent('42 of 100');
    const timeline = screen.getByTestId('expiry-timeline');
    expect(within(timeline).getAllByRole('listitem')).toHaveLength(2);
    expect(within(timeline).getByRole('listitem', { name: /Enterprise Prepaid \(Base\): Valid/ })).toBeInTheDocument();
    expect(screen.getByTestId('usb-key')).toHaveTextContent('USB key licensing is not enabled');
    expect(screen.getByTestId('license-server')).toHaveTextContent('Not configured');
  });

  it('marks a Base license that expires in 10 days as expiring soon', async () => {
    serve({ status: expiringStatus(10), licenses: [expiringStatus(10).base!] });
    await renderPage();
    const base = await screen.findByTestId('base-license');
    expect(within(base).getByText('Valid, expiring soon')).toBeInTheDocument();
    expect(within(base).getByText('10 days')).toBeInTheDocument();
  });

  it('explains that the other pages are closed when the Base license has expired', async () => {
    serve({ status: expiredStatus(), licenses: [expiredStatus().base!] });
    await renderPage();
    expect(await screen.findByText(/The Base license has expired: the other pages of the portal are closed/)).toBeInTheDocument();
    expect(within(screen.getByTestId('base-license')).getByText('Expired')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Upload License/ })).toBeEnabled();
  });

  it('shows an exceeded quota in red words', async () => {
    serve({ status: quotaExceededStatus(), licenses: [aLicense()] });
    await renderPage();
    expect(await screen.findByTestId('quota-hosts')).toHaveTextContent('130 of 100 — exceeded');
  });

  it('deletes a Plus license after confirmation, and never offers it for a USB-key license', async () => {
    const usb = aPlusLicense({ id: 'lic-usb', item: 'backup', title: 'Backup Service', method: 'usb-key', deletable: false });
    serve({ status: validStatus(), licenses: [aLicense(), aPlusLicense(), usb] });
    await renderPage();
    await screen.findByText('Plus Licenses (2)');
    expect(screen.queryByRole('button', { name: /Delete Backup Service/ })).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Delete VMware Management (lic-vmware-1)' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/will be deleted/)).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(fake.seen).not.toContain('DELETE /licenses/lic-vmware-1');

    await userEvent.click(screen.getByRole('button', { name: 'Delete VMware Management (lic-vmware-1)' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(fake.seen).toContain('DELETE /licenses/lic-vmware-1'));
    expect(await screen.findByText('Plus Licenses (1)')).toBeInTheDocument();
  });

  it('opens the Licensing Records tab for those allowed', async () => {
    serve({ status: validStatus(), licenses: [aLicense()], records: someRecords(3) });
    await renderPage({ tab: '/records' });
    expect(await screen.findByRole('tab', { name: 'Licensing Records' })).toHaveAttribute('aria-selected', 'true');
    expect(await screen.findByText('Page 1 · 3 records')).toBeInTheDocument();
  });

  it('says in plain words when the backend cannot be reached', async () => {
    serve({});
    const { http, HttpResponse } = await import('msw');
    server.use(http.get('http://example.com/api/license-management/status', () => HttpResponse.error()));
    await renderPage();
    expect(await screen.findByText(/The license status could not be read/)).toBeInTheDocument();
    expect(screen.getByText(/Could not reach the License Management backend/)).toBeInTheDocument();
  });
});
