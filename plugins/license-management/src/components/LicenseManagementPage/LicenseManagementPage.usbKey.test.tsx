// USB key licensing on the page: licenses whose key does not count now
// ('key-missing') say to plug the key in; the USB Key card on the page.
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { aLicense, aPlusLicense, aUsbKey, readyUsbKey, validStatus } from '../../testUtils/fixtures';
import { renderLicensing } from '../../testUtils/renderLicensing';
import { type FakeBackend, licenseHandlers } from '../../testUtils/server';
import { LicenseManagementPage } from './LicenseManagementPage';

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
    <Routes>
      <Route path="/license-management/*" element={<LicenseManagementPage />} />
    </Routes>,
    { routeEntries: ['/license-management'] },
  );

const missingKey = aUsbKey({
  enabled: true,
  message: 'No USB key is plugged into a management node: plug the USB key into one of them.',
  nodes: [{ node: 'node-a', keys: [], faults: [], available: true, reason: null, seenAt: new Date().toISOString() }],
});

describe('LicenseManagementPage: USB key licensing', () => {
  it('shows a Plus license whose USB key is missing clearly, with the key to plug in', async () => {
    const usb = aPlusLicense({ id: 'lic-usb', item: 'backup', title: 'Backup Service', method: 'usb-key', keyId: 'USBKEY-0001', state: 'key-missing', deletable: false });
    serve({ status: validStatus({ usbKey: missingKey }), licenses: [aLicense(), usb] });
    await renderPage();
    await screen.findByText('Plus Licenses (1)');
    const row = screen.getAllByText('Backup Service').find(e => e.tagName === 'TD')!.closest('tr')!;
    expect(within(row).getByText('USB key missing')).toBeInTheDocument();
    expect(within(row).getByText('Plug in USB key USBKEY-0001')).toBeInTheDocument();
    await userEvent.hover(within(row).getByText('USB key missing'));
    expect(await screen.findByText(/Plug USB key USBKEY-0001 into a management node: this license counts only while its key is present/)).toBeInTheDocument();
  });

  it('shows a Base license whose USB key is missing clearly on the Base card', async () => {
    const base = aLicense({ method: 'usb-key', keyId: 'USBKEY-0001', state: 'key-missing' });
    serve({ status: validStatus({ base, usbKey: missingKey }), licenses: [base] });
    await renderPage();
    const card = await screen.findByTestId('base-license');
    expect(within(card).getByText('State').nextSibling).toHaveTextContent('USB key missing');
    expect(screen.getByTestId('base-key-missing')).toHaveTextContent('Plug USB key USBKEY-0001 into a management node');
    expect(screen.getByTestId('usb-key-message')).toHaveTextContent('plug the USB key into one of them');
  });

  it('shows the USB key, its nodes, and rescans with Refresh', async () => {
    serve({ status: validStatus({ usbKey: readyUsbKey() }), licenses: [aLicense()] });
    await renderPage();
    const card = await screen.findByTestId('usb-key');
    expect(within(card).getByText('Ready')).toBeInTheDocument();
    expect(within(card).getByRole('listitem', { name: 'Node node-a' })).toHaveTextContent('Key USBKEY-0001');
    const refresh = screen.getByRole('button', { name: 'Refresh' });
    await waitFor(() => expect(refresh).toBeEnabled());
    await userEvent.click(refresh);
    await waitFor(() => expect(fake.seen).toContain('POST /reload'));
    // Refresh reads the status again once the rescan is done.
    await waitFor(() => expect(fake.seen.lastIndexOf('GET /status')).toBeGreaterThan(fake.seen.indexOf('POST /reload')));
  });
});
