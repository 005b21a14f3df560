import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import React from 'react';
import { LIST_TITLES, USB_KEY_STATUSES, type UsbKeyView } from '@backstage-licensing/plugin-license-management-common';
import { aUsbKey, DAY_MS, readyUsbKey, validStatus } from '../../testUtils/fixtures';
import { renderLicensing } from '../../testUtils/renderLicensing';
import { API, type FakeBackend, licenseHandlers } from '../../testUtils/server';
import { UsbKeyCard } from './UsbKeyCard';

jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

let fake: FakeBackend;
beforeEach(() => {
  fake = { status: validStatus(), licenses: [], records: [], seen: [] };
  server.use(...licenseHandlers(fake));
});

const iso = (ms: number) => new Date(ms).toISOString();
const seenAt = iso(Date.now() - 2_000);

/** One usbKey per status, as the backend words it. */
const BY_STATUS: Record<UsbKeyView['status'], UsbKeyView> = {
  ready: readyUsbKey(),
  missing: readyUsbKey({
    status: 'missing',
    keyId: null,
    presentKeys: [],
    nodes: [{ node: 'node-a', keys: [], faults: [], available: true, reason: null, seenAt }],
    message: 'No USB key is plugged into a management node: plug the USB key into one of them.',
  }),
  abnormal: readyUsbKey({
    status: 'abnormal',
    presentKeys: ['USBKEY-0001', 'USBKEY-0002'],
    nodes: [
      { node: 'node-a', keys: ['USBKEY-0001'], faults: [], available: true, reason: null, seenAt },
      { node: 'node-b', keys: ['USBKEY-0002'], faults: [], available: true, reason: null, seenAt },
    ],
    message: 'Two USB keys are plugged in (USBKEY-0001 on node-a, USBKEY-0002 on node-b): remove the extra key. Licensing goes on with USBKEY-0001.',
  }),
  fault: readyUsbKey({
    status: 'fault',
    presentKeys: [],
    nodes: [
      { node: 'node-a', keys: [], faults: ['LIBUSB_ERROR_IO: the serial number could not be read'], available: true, reason: null, seenAt },
    ],
    faultSince: iso(Date.now() - DAY_MS),
    bufferEndsAt: iso(Date.now() + 2 * DAY_MS + 3 * 3_600_000 + 60_000),
    message: 'The USB key on node-a cannot be read: re-seat or replace it. Licensing goes on on the fault buffer until it ends.',
  }),
};

const renderCard = (usbKey: UsbKeyView, options: { canRefresh?: boolean; onRefreshed?: () => void } = {}) =>
  renderLicensing(<UsbKeyCard usbKey={usbKey} canRefresh={options.canRefresh ?? true} onRefreshed={options.onRefreshed ?? (() => {})} />);

/** The value next to a term of a definition list. */
const valueOf = (term: string) => within(screen.getByTestId('usb-key')).getByText(term).nextSibling as HTMLElement;

describe('UsbKeyCard', () => {
  it.each(USB_KEY_STATUSES)('shows the %s status in the list words, with what to do from the server', async status => {
    const usbKey = BY_STATUS[status];
    await renderCard(usbKey);
    expect(valueOf('Status')).toHaveTextContent(LIST_TITLES.usbKeyStatus[status]);
    expect(screen.getByTestId('usb-key-message')).toHaveTextContent(usbKey.message);
    expect(valueOf('Key ID')).toHaveTextContent(usbKey.keyId ?? '—');
    for (const node of usbKey.nodes) expect(screen.getByRole('listitem', { name: `Node ${node.node}` })).toBeInTheDocument();
    if (status === 'fault') expect(screen.getByTestId('usb-key-buffer')).toHaveTextContent(/2 days 3 hours left/);
    else expect(screen.queryByTestId('usb-key-buffer')).not.toBeInTheDocument();
  });

  it('offers to copy the Key ID', async () => {
    await renderCard(readyUsbKey());
    expect(screen.getByTestId('usb-key-id')).toHaveTextContent('USBKEY-0001');
    expect(screen.getByRole('button', { name: 'Copy USB Key ID' })).toBeInTheDocument();
  });

  it('shows what each node sees: keys, faults with their reason, and a host without USB with why', async () => {
    await renderCard(
      readyUsbKey({
        nodes: [
          { node: 'node-a', keys: ['USBKEY-0001'], faults: [], available: true, reason: null, seenAt },
          { node: 'node-b', keys: [], faults: ['LIBUSB_ERROR_ACCESS'], available: true, reason: null, seenAt },
          { node: 'node-c', keys: [], faults: [], available: false, reason: 'no USB bus (/dev/bus/usb is missing)', seenAt },
          { node: 'node-d', keys: [], faults: [], available: true, reason: null, seenAt },
        ],
      }),
    );
    const node = (name: string) => screen.getByRole('listitem', { name: `Node ${name}` });
    expect(node('node-a')).toHaveTextContent('Key USBKEY-0001');
    expect(node('node-b')).toHaveTextContent('A key that cannot be read: LIBUSB_ERROR_ACCESS');
    expect(node('node-c')).toHaveTextContent('No usable USB on this host: no USB bus (/dev/bus/usb is missing)');
    expect(node('node-d')).toHaveTextContent('No key');
    expect(node('node-a')).toHaveTextContent(/Seen /);
  });

  it('says when the fault buffer has ended', async () => {
    await renderCard({ ...BY_STATUS.fault, bufferEndsAt: iso(Date.now() - 60_000) });
    expect(screen.getByTestId('usb-key-buffer')).toHaveTextContent(/^Ended .*: licenses bound to the USB key no longer count$/);
  });

  it('shows "Rescanning…" while Refresh rescans (POST /reload), then tells the page', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>(resolve => (release = resolve));
    server.use(
      http.post(`${API}/reload`, async () => {
        await held;
        await delay(10);
        return HttpResponse.json(fake.status);
      }),
    );
    const onRefreshed = jest.fn();
    await renderCard(readyUsbKey(), { onRefreshed });
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByRole('button', { name: /Rescanning…/ })).toBeDisabled();
    expect(valueOf('Status')).toHaveTextContent('Rescanning…');
    release();
    await waitFor(() => expect(onRefreshed).toHaveBeenCalledTimes(1));
    expect(screen.getByRole('button', { name: 'Refresh' })).toBeEnabled();
    expect(valueOf('Status')).toHaveTextContent('Ready');
  });

  it('says why a rescan failed', async () => {
    server.use(http.post(`${API}/reload`, () => HttpResponse.json({ error: { name: 'Error', message: 'The USB bus could not be read.' } }, { status: 500 })));
    await renderCard(readyUsbKey());
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByText(/Refresh failed\./)).toBeInTheDocument();
  });

  it('keeps Refresh disabled with the reason when USB key licensing is off', async () => {
    await renderCard(aUsbKey());
    expect(screen.getByTestId('usb-key')).toHaveTextContent('USB key licensing is not enabled on this portal');
    const refresh = screen.getByRole('button', { name: 'Refresh' });
    expect(refresh).toBeDisabled();
    await userEvent.hover(refresh.parentElement!);
    expect(await screen.findByText(/there is no USB key to rescan/)).toBeInTheDocument();
  });

  it('keeps Refresh disabled for those who may not reload', async () => {
    await renderCard(readyUsbKey(), { canRefresh: false });
    const refresh = screen.getByRole('button', { name: 'Refresh' });
    expect(refresh).toBeDisabled();
    await userEvent.hover(refresh.parentElement!);
    expect(await screen.findByText('Only license admins can rescan the USB key')).toBeInTheDocument();
  });
});
