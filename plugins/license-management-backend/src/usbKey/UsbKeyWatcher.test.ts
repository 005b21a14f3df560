import { FakeUsbSource, TEST_KEY_IDS } from './testing/FakeUsbSource';
import { MemoryUsbKeyStore } from './testing/MemoryUsbKeyStore';
import { readingOf } from './readingOf';
import type { UsbKeySettings } from './usbKeyConfig';
import { UsbKeyWatcher } from './UsbKeyWatcher';

const HOUR = 3_600_000;
const settings = (over: Partial<UsbKeySettings> = {}): UsbKeySettings => ({
  enabled: true,
  devices: [TEST_KEY_IDS],
  pollIntervalMs: 100,
  faultBufferMs: 72 * HOUR,
  nodeTimeoutMs: 30_000,
  nodeId: 'mn-1',
  ...over,
});
const logger = { info: jest.fn(), warn: jest.fn() };

/** A watcher on a fake bus and an in-memory store, on a clock the test moves (`clock.offset`). */
function setup(over: Partial<UsbKeySettings> = {}, store = new MemoryUsbKeyStore()) {
  const source = new FakeUsbSource();
  const clock = { offset: 0 };
  const watcher = new UsbKeyWatcher({ source, store, settings: settings(over), clock: () => Date.now() + clock.offset, logger });
  const judged: boolean[] = [];
  watcher.onJudged(changed => judged.push(changed));
  return { source, store, clock, watcher, judged };
}

/** Waits until `condition` holds (every 5 ms); returns how long it took. Fails after `ms`. */
async function within(ms: number, condition: () => boolean): Promise<number> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise(r => setTimeout(r, 5));
  }
  return Date.now() - start;
}

describe('UsbKeyWatcher', () => {
  const stops: Array<() => void> = [];
  afterEach(() => stops.splice(0).forEach(stop => stop()));
  async function started(over: Partial<UsbKeySettings> = {}) {
    const s = setup(over);
    await s.watcher.start();
    stops.push(() => s.watcher.stop());
    return s;
  }

  it('is ready within one poll of a key being plugged in, on the hot-plug hint or, without one, on the poll', async () => {
    const { source, watcher } = await started();
    expect(watcher.view()).toMatchObject({ status: 'missing', enabled: true, keyId: null });
    source.plug('KEY-A');
    await within(100, () => watcher.view().status === 'ready');
    expect(watcher.view()).toMatchObject({ status: 'ready', keyId: 'KEY-A', presentKeys: ['KEY-A'], nodes: [{ node: 'mn-1', keys: ['KEY-A'] }] });
    expect(watcher.counting()).toMatchObject({ status: 'ready', counting: ['KEY-A'] });

    source.hints = false;
    source.unplug();
    source.plug('KEY-B');
    // No hint: the poll finds it within one pollInterval (plus the time a look takes).
    expect(await within(200, () => watcher.view().keyId === 'KEY-B')).toBeLessThanOrEqual(150);
  });

  it('is missing once the key is unplugged, and records insertion and removal', async () => {
    const { source, watcher, store } = await started();
    source.plug('KEY-A');
    await within(100, () => watcher.view().status === 'ready');
    source.unplug('KEY-A');
    await within(100, () => watcher.view().status === 'missing');
    expect(watcher.counting()?.counting).toEqual([]);
    expect(store.records.map(r => [r.action, r.actor, r.detail])).toEqual([
      ['usb-key', 'system', 'USB key KEY-A inserted on node mn-1: ready [key KEY-A]'],
      ['usb-key', 'system', 'USB key KEY-A removed [key KEY-A]'],
      ['usb-key', 'system', expect.stringMatching(/^USB key missing: No USB key is plugged into a management node/)],
    ]);
  });

  it('is abnormal with two keys, and goes on with the key that was ready', async () => {
    const { source, watcher } = await started();
    source.plug('KEY-A');
    await within(100, () => watcher.view().status === 'ready');
    source.plug('KEY-B');
    await within(100, () => watcher.view().status === 'abnormal');
    expect(watcher.view()).toMatchObject({ keyId: 'KEY-A', presentKeys: ['KEY-A', 'KEY-B'] });
    expect(watcher.view().message).toMatch(/More than one USB key is plugged in .* Remove every key but one; licensing goes on with KEY-A/);
  });

  it('is in fault with an unreadable serial: licensing goes on on the buffer, which ends faultBuffer after the fault began', async () => {
    const { source, watcher, clock, store } = await started();
    source.plug('KEY-A');
    await within(100, () => watcher.view().status === 'ready');
    source.unplug();
    source.plug(undefined);
    await within(100, () => watcher.view().status === 'fault');
    const view = watcher.view();
    expect(view).toMatchObject({ keyId: 'KEY-A', nodes: [{ faults: ['device 1234:5678: its serial number string cannot be read (LIBUSB_ERROR_PIPE)'] }] });
    const since = Date.parse(view.faultSince!);
    expect(Date.parse(view.bufferEndsAt!)).toBe(since + 72 * HOUR);
    // Until the buffer ends, or sooner: a judgement nobody renews stops counting after nodeTimeout.
    expect(watcher.counting()).toMatchObject({ status: 'fault', counting: ['KEY-A'] });

    clock.offset = 72 * HOUR;
    await watcher.poll();
    expect(watcher.view()).toMatchObject({ status: 'fault', keyId: null });
    expect(watcher.counting()?.counting).toEqual([]);
    expect(store.records.map(r => r.detail)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Fault buffer started for USB key KEY-A/),
        expect.stringMatching(/^Fault buffer ended at .*: licenses bound to USB key KEY-A are no longer in force/),
      ]),
    );
  });

  it('counts an empty serial string as unreadable', async () => {
    const { source, watcher } = await started();
    source.plug('');
    await within(100, () => watcher.view().status === 'fault');
    expect(watcher.view().nodes[0].faults).toEqual(['device 1234:5678: its serial number string is empty']);
  });

  it('is missing with the reason on a host without a usable USB subsystem, and never throws', async () => {
    const { source, watcher } = setup();
    source.unavailable = 'no USB bus on this host (ENOENT /sys/bus/usb/devices)';
    await watcher.start();
    stops.push(() => watcher.stop());
    expect(watcher.view()).toMatchObject({
      status: 'missing',
      nodes: [{ node: 'mn-1', available: false, reason: 'no USB bus on this host (ENOENT /sys/bus/usb/devices)' }],
    });
    expect(watcher.view().message).toMatch(/No management node can read its USB bus \(node mn-1: no USB bus on this host/);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/This node \(mn-1\) cannot read its USB bus: no USB bus/));

    source.unavailable = undefined;
    source.broken = true;
    await watcher.poll();
    expect(watcher.view().nodes[0]).toMatchObject({ available: false, reason: 'the USB scan failed: LIBUSB_ERROR_OTHER' });
  });

  it('answers a rescan within 1.5 s even when the bus hangs', async () => {
    const { source, watcher } = setup();
    await watcher.start();
    stops.push(() => watcher.stop());
    source.scan = () => new Promise(() => {});
    const start = Date.now();
    await watcher.rescan();
    expect(Date.now() - start).toBeLessThan(2000);
    expect(watcher.view().nodes[0]).toMatchObject({ available: false, reason: 'the USB bus did not answer within 1500 ms' });
  }, 10_000);

  it('says a judgement changed only when what /status.usbKey shows changed', async () => {
    const { watcher, judged, source } = setup();
    await watcher.poll();
    await watcher.poll();
    source.devices.push({ ...TEST_KEY_IDS, serialNumber: 'KEY-A' });
    await watcher.poll();
    expect(judged).toEqual([true, false, true]);
  });

  it('stops counting a judgement nobody renewed after nodeTimeout', async () => {
    const { watcher, source } = setup();
    source.devices.push({ ...TEST_KEY_IDS, serialNumber: 'KEY-A' });
    await watcher.poll();
    const { countingUntil } = watcher.counting()!;
    expect(countingUntil! - Date.now()).toBeGreaterThan(29_000);
    expect(countingUntil! - Date.now()).toBeLessThanOrEqual(30_000);
  });
});

describe('readingOf', () => {
  it('keeps since when a key stays, starts it for a new key, and keeps two devices with one serial', () => {
    const scan = (...serials: Array<string | undefined>) => ({
      available: true as const,
      devices: serials.map(s => ({ ...TEST_KEY_IDS, ...(s === undefined ? {} : { serialNumber: s }) })),
    });
    const first = readingOf(scan('KEY-A'), undefined, 'mn-1', 1000);
    expect(first).toEqual({ node: 'mn-1', seenAt: 1000, available: true, keys: [{ serial: 'KEY-A', since: 1000 }], faults: [] });
    const second = readingOf(scan('KEY-A', 'KEY-B', undefined), first, 'mn-1', 3000);
    expect(second.keys).toEqual([
      { serial: 'KEY-A', since: 1000 },
      { serial: 'KEY-B', since: 3000 },
    ]);
    expect(second.faults).toEqual([{ error: 'device 1234:5678: its serial number cannot be read', since: 3000 }]);
    expect(readingOf(scan('KEY-A', 'KEY-A'), first, 'mn-1', 3000).keys).toHaveLength(2);
    expect(readingOf({ available: false, reason: 'no bus' }, first, 'mn-1', 4000)).toEqual({
      node: 'mn-1',
      seenAt: 4000,
      available: false,
      reason: 'no bus',
      keys: [],
      faults: [],
    });
  });
});
