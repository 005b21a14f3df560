// The page shows what the server decided: expiring soon, deletable, titles
// from the catalog the portal runs with, the degraded state, reporters, and
// the last valid day as the vendor typed it.
import { AlertDisplay } from '@backstage/core-components';
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import React from 'react';
import { Route, Routes } from 'react-router-dom';
import {
  aLicense,
  aPlusLicense,
  aUsbKey,
  customCatalogStatus,
  quotaExceededStatus,
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
  fake = { status: validStatus(), licenses: [], records: [], seen: [], ...partial };
  server.use(...licenseHandlers(fake));
}

const renderPage = () =>
  renderLicensing(
    <>
      <AlertDisplay />
      <Routes>
        <Route path="/license-management/*" element={<LicenseManagementPage />} />
      </Routes>
    </>,
    { routeEntries: ['/license-management'] },
  );

/** The value next to a term of a definition list. */
const valueOf = (list: HTMLElement, term: string) => within(list).getByText(term).nextSibling as HTMLElement;

describe('LicenseManagementPage shows what the server decided', () => {
  it('marks as expiring soon only what the server says: a renewed license a few days from its end is not', async () => {
    // The Base runs out in 5 days but a renewal is loaded: the server says it is not expiring soon.
    const base = aLicense({ daysLeft: 5, expiringSoon: false });
    const renewed = aPlusLicense({ id: 'lic-vmware-1', daysLeft: 3, expiringSoon: false });
    const expiring = aPlusLicense({ id: 'lic-backup', item: 'backup', title: 'Backup Service', quota: {}, daysLeft: 40, expiringSoon: true });
    serve({ status: validStatus({ base, plus: [renewed, expiring] }), licenses: [base, renewed, expiring] });
    await renderPage();
    const card = await screen.findByTestId('base-license');
    expect(valueOf(card, 'State')).toHaveTextContent(/^Valid$/);
    expect(valueOf(card, 'Days left')).toHaveTextContent('5 days');
    const vmwareRow = (await screen.findByText('VMware CPUs: 32')).closest('tr')!;
    expect(vmwareRow).not.toHaveTextContent('expiring soon');
    const backupRow = screen.getAllByText('Backup Service').map(e => e.closest('tr')).find(Boolean)!;
    expect(backupRow).toHaveTextContent('Valid, expiring soon');
  });

  it('offers delete only for what the server calls deletable', async () => {
    const kept = aPlusLicense({ id: 'lic-kept', item: 'backup', title: 'Backup Service', quota: {}, deletable: false });
    serve({ licenses: [aLicense(), aPlusLicense(), kept] });
    await renderPage();
    expect(await screen.findByRole('button', { name: 'Delete VMware Management (lic-vmware-1)' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Delete Backup Service/ })).not.toBeInTheDocument();
  });

  it("shows the titles of the portal's own catalog (/status.catalog), not the default one", async () => {
    const status = customCatalogStatus();
    serve({ status, licenses: [status.base!, ...status.plus] });
    await renderPage();
    const summary = await screen.findByTestId('license-summary');
    expect(valueOf(summary, 'Edition')).toHaveTextContent('Starter Edition');
    expect(within(screen.getByTestId('base-license')).getByText('Named seats: 25')).toBeInTheDocument();
    expect(await screen.findByText('Insight runs: 500')).toBeInTheDocument();
    expect(screen.getByTestId('quota-seats')).toHaveTextContent('Named seats');
    expect(screen.getByRole('listitem', { name: /^Insights Add-on \(Plus\)/ })).toBeInTheDocument();
    expect(screen.queryByText(/Enterprise Prepaid|VMware/)).not.toBeInTheDocument();
  });

  it('shows the degraded state in the header and the License card while QUOTA_EXCEEDED holds, not a green "Valid"', async () => {
    serve({ status: quotaExceededStatus(), licenses: [aLicense()] });
    await renderPage();
    const summary = await screen.findByTestId('license-summary');
    expect(valueOf(summary, 'License status')).toHaveTextContent('Degraded: quota exceeded');
    expect(within(summary).queryByText('Valid')).not.toBeInTheDocument();
    const header = screen.getAllByRole('banner').find(h => within(h).queryByText('License status'))!;
    expect(within(header).getByText('Degraded: quota exceeded')).toBeInTheDocument();
    expect(within(header).queryByText('Valid')).not.toBeInTheDocument();
  });

  it("shows each reporter's share of a quota and when it reported", async () => {
    serve({ status: quotaExceededStatus(), licenses: [aLicense()] });
    await renderPage();
    const reporters = await screen.findByTestId('reporters-hosts');
    const lines = within(reporters).getAllByRole('listitem').map(li => li.textContent);
    expect(lines).toEqual([
      expect.stringMatching(/^provider:catalog: 100 \(77%\), reported .*2030/),
      expect.stringMatching(/^user:default\/ops-bot: 30 \(23%\), reported .*2030/),
    ]);
  });

  it('shows the last valid day the vendor typed ("--expires 2027-12-31"), not the instant after it', async () => {
    // exp = 2028-01-01T00:00:00Z: valid through Dec 31, 2027, whatever the viewer's time zone.
    const expiresAt = '2028-01-01T00:00:00.000Z';
    const base = aLicense({ expiresAt });
    const plus = aPlusLicense({ expiresAt });
    serve({ status: validStatus({ base, plus: [plus] }), licenses: [base, plus] });
    await renderPage();
    expect(valueOf(await screen.findByTestId('base-license'), 'Valid through')).toHaveTextContent(/^Dec 31, 2027$/);
    const row = (await screen.findByText('VMware CPUs: 32')).closest('tr')!;
    expect(row).toHaveTextContent('Dec 31, 2027');
    expect(row).not.toHaveTextContent('2028');
    expect(screen.getByRole('listitem', { name: /^VMware Management \(Plus\)/ })).toHaveAttribute(
      'aria-label',
      expect.stringContaining('Dec 31, 2027'),
    );

    await userEvent.click(screen.getByRole('button', { name: 'Delete VMware Management (lic-vmware-1)' }));
    expect(within(await screen.findByRole('dialog')).getByText(/valid through Dec 31, 2027/)).toBeInTheDocument();
  });

  it('confirms a delete with a message', async () => {
    serve({ licenses: [aLicense(), aPlusLicense()] });
    await renderPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Delete VMware Management (lic-vmware-1)' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText(/Deleted VMware Management \(lic-vmware-1\)/)).toBeInTheDocument();
    await waitFor(() => expect(fake.seen).toContain('DELETE /licenses/lic-vmware-1'));
  });

  it('disables Refresh on a USB key card where USB key licensing is off, and says why', async () => {
    serve({ licenses: [aLicense()] });
    await renderPage();
    const refresh = await screen.findByRole('button', { name: /Refresh/ });
    expect(refresh).toBeDisabled();
    await userEvent.hover(refresh.parentElement!);
    expect(await screen.findByText(/USB key licensing is not enabled on this portal: there is no USB key to rescan/)).toBeInTheDocument();
  });

  it('rescans an enabled USB key with Refresh', async () => {
    serve({
      status: validStatus({ usbKey: aUsbKey({ status: 'ready', keyId: 'USBKEY-1', enabled: true, presentKeys: ['USBKEY-1'] }) }),
      licenses: [aLicense()],
    });
    await renderPage();
    const refresh = await screen.findByRole('button', { name: /Refresh/ });
    await waitFor(() => expect(refresh).toBeEnabled());
    await userEvent.click(refresh);
    await waitFor(() => expect(fake.seen).toContain('POST /reload'));
  });
});
