import { USB_KEY_DISABLED_VIEW } from '@backstage-licensing/plugin-license-management-common';
import request from 'supertest';
import { type Harness, startHarness } from '../testing/harness';
import { FakeUsbSource } from './testing/FakeUsbSource';
import { usbKeyConfig, usbSourceFeature, within } from './testing/usbTestBackend';

jest.setTimeout(60_000);
const api = '/api/license-management';

describe('USB key over HTTP', () => {
  const started: Harness[] = [];
  afterEach(async () => {
    for (const h of started.splice(0)) await h.stop();
  });
  async function backend(config: Record<string, unknown>, source = new FakeUsbSource(), created = { count: 0 }) {
    const h = await startHarness(config, { features: [usbSourceFeature(source, created)] });
    started.push(h);
    return h;
  }
  const status = async (h: Harness) => (await request(h.server).get(`${api}/status`).set('Authorization', h.reader)).body;

  it('is off by default: no watcher, /status.usbKey says how to turn it on', async () => {
    const created = { count: 0 };
    const h = await backend({}, new FakeUsbSource(), created);
    expect((await status(h)).usbKey).toEqual(USB_KEY_DISABLED_VIEW);
    expect(created.count).toBe(0);
    // A usb-key upload says USB key licensing is off.
    await h.upload(await h.token({ type: 'base', item: 'standard' })).expect(201);
    const res = await h.upload(await h.token({ type: 'plus', item: 'gpu', method: 'usb-key' }, { sub: 'KEY-A' }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/USB key licensing is not enabled on this portal: set licenseManagement.usbKey.enabled/);
  });

  it('refuses a usb-key upload without its key (400, recorded, nothing installed) and accepts it once the key is in and Refresh pressed', async () => {
    const source = new FakeUsbSource();
    source.hints = false;
    const h = await backend(usbKeyConfig('mn-a', { pollInterval: { seconds: 10 }, nodeTimeout: { seconds: 30 } }), source);
    await h.upload(await h.token({ type: 'base', item: 'standard' })).expect(201);
    const token = await h.token({ type: 'plus', item: 'gpu', method: 'usb-key' }, { sub: 'KEY-A' });
    const before = await h.snapshot();
    const refused = await h.upload(token);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(
      /it is bound to USB key KEY-A, which is not plugged into a management node \(no USB key is plugged in now\): plug the USB key with serial KEY-A into a management node and press Refresh/,
    );
    await h.expectRejected(before, /plug the USB key with serial KEY-A/);

    // No hot-plug hint and a 10 s poll: Refresh (POST /reload) rescans before it answers, within 2 s.
    source.plug('KEY-A');
    const start = Date.now();
    const reloaded = await request(h.server).post(`${api}/reload`).set('Authorization', h.admin);
    expect(Date.now() - start).toBeLessThan(2000);
    expect(reloaded.status).toBe(200);
    expect(reloaded.body.usbKey).toMatchObject({ status: 'ready', keyId: 'KEY-A' });

    const installed = await h.upload(token);
    expect(installed.status).toBe(201);
    expect(installed.body.installed).toMatchObject([{ item: 'gpu', method: 'usb-key', keyId: 'KEY-A', state: 'valid', deletable: false }]);
    const del = await request(h.server).delete(`${api}/licenses/${installed.body.installed[0].id}`).set('Authorization', h.admin);
    expect(del.status).toBe(409);
    expect(del.body.error.message).toMatch(/comes from a USB key and cannot be deleted/);
  });

  it('shows /status.usbKey as PRODUCT.md §2.7 says: status, keyId, enabled, nodes with what each sees, message', async () => {
    const source = new FakeUsbSource();
    const h = await backend(usbKeyConfig('mn-a'), source);
    const signalled = h.signals.length;
    source.plug('KEY-A');
    await within(1000, async () => (await status(h)).usbKey.status === 'ready');
    // Open pages are told to read the status again, as for any other change.
    await within(1000, () => h.signals.slice(signalled).some(s => s.channel === 'license-management:status'));
    // ...and only when something changed, not at every poll.
    const after = h.signals.length;
    await new Promise(r => setTimeout(r, 1000));
    expect(h.signals.length).toBe(after);
    const { usbKey, exceptions } = await status(h);
    expect(usbKey).toEqual({
      status: 'ready',
      keyId: 'KEY-A',
      enabled: true,
      nodes: [{ node: 'mn-a', keys: ['KEY-A'], faults: [], available: true, reason: null, seenAt: expect.any(String) }],
      message: 'USB key KEY-A is plugged into node mn-a.',
      presentKeys: ['KEY-A'],
      faultSince: null,
      bufferEndsAt: null,
      scannedAt: expect.any(String),
      pollIntervalSeconds: 0.2,
    });
    expect(exceptions).toEqual([]);

    source.plug('KEY-B');
    await within(1000, async () => (await status(h)).usbKey.status === 'abnormal');
    expect((await status(h)).exceptions).toEqual([{ code: 'USB_KEY_ABNORMAL', message: expect.stringMatching(/More than one USB key is plugged in/) }]);
  });

  it('on a host without a usable USB subsystem: missing with the reason, and the backend keeps answering', async () => {
    const source = new FakeUsbSource();
    source.unavailable = 'no permission to read the USB bus (LIBUSB_ERROR_ACCESS)';
    const h = await backend(usbKeyConfig('mn-a'), source);
    const { usbKey } = await status(h);
    expect(usbKey).toMatchObject({
      status: 'missing',
      enabled: true,
      nodes: [{ node: 'mn-a', available: false, reason: 'no permission to read the USB bus (LIBUSB_ERROR_ACCESS)' }],
    });
    expect(usbKey.message).toMatch(/No management node can read its USB bus .* Give the backend access to \/dev\/bus\/usb/);
    source.broken = true;
    await request(h.server).post(`${api}/reload`).set('Authorization', h.admin).expect(200);
    await request(h.server).get(`${api}/health`).expect(200);
  });
});
