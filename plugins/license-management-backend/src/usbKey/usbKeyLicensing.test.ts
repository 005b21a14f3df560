import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { KnexLicenseStore } from '../database/KnexLicenseStore';
import { KnexUsbKeyStore } from '../database/KnexUsbKeyStore';
import { ADMIN, codes, replica, sign, T0, type TestClocks } from '../service/testReplica';
import { FakeUsbSource, TEST_KEY_IDS } from './testing/FakeUsbSource';
import { UsbKeyWatcher } from './UsbKeyWatcher';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const HOUR = 3_600_000;
const logger = { info: () => {}, warn: () => {} };
const text = (s: string) => new TextEncoder().encode(s);

/** A usb-key license bound to `serial`. */
const usbLicense = (serial: string, at: number, item = 'gpu', type: 'base' | 'plus' = 'plus') =>
  sign(serial, at, { type, item, method: 'usb-key' } as { type: 'plus'; item: string });

describe.each(databases.eachSupportedId())('USB key licensing on %p', databaseId => {
  let knex: Knex;
  let clocks: TestClocks;

  /** A management node: its bus, its watcher and its engine, on the shared database. */
  async function managementNode(nodeId = 'mn-1') {
    const source = new FakeUsbSource();
    const watcher = new UsbKeyWatcher({
      source,
      store: KnexUsbKeyStore.fromKnex(knex),
      settings: { enabled: true, devices: [TEST_KEY_IDS], pollIntervalMs: 2000, faultBufferMs: 72 * HOUR, nodeTimeoutMs: 30_000, nodeId },
      clock: () => clocks.now,
      logger,
    });
    await watcher.poll();
    const engine = await replica(knex, clocks, { usbKeyState: watcher });
    return { source, watcher, engine };
  }

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    await KnexLicenseStore.fromKnex(knex);
    clocks = { now: T0, mono: 0 };
  });

  it('refuses a usb-key license whose key is not plugged in, saying where to plug it, and installs it once it is', async () => {
    const { source, watcher, engine } = await managementNode();
    await engine.upload(text(await sign(engine.keyId, T0, { type: 'base', item: 'standard' })), ADMIN);
    const token = await usbLicense('KEY-A', T0);
    await expect(engine.upload(text(token), ADMIN)).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(
        /^Nothing was installed\. license 'lic-\d+' was rejected: it is bound to USB key KEY-A, which is not plugged into a management node \(no USB key is plugged in now\): plug the USB key with serial KEY-A into a management node and press Refresh, then upload again\.$/,
      ),
    });
    expect(engine.listLicenses().map(l => l.item)).toEqual(['standard']);
    const { items } = await engine.records({ limit: 1 });
    expect(items[0]).toMatchObject({ action: 'rejected', detail: expect.stringMatching(/plug the USB key with serial KEY-A/) });

    source.plug('KEY-A');
    await watcher.poll();
    const result = await engine.upload(text(token), ADMIN);
    expect(result.installed).toMatchObject([{ item: 'gpu', method: 'usb-key', keyId: 'KEY-A', state: 'valid', deletable: false }]);
    expect(engine.check({ feature: 'gpu' })).toMatchObject({ allowed: true });
    expect(engine.status().usbKey).toMatchObject({ status: 'ready', keyId: 'KEY-A', enabled: true });
  });

  it('puts usb-key licenses in force only while their key counts, and the other license of the slot holds it meanwhile', async () => {
    const { source, watcher, engine } = await managementNode();
    source.plug('KEY-A');
    await watcher.poll();
    await engine.upload(text(await sign(engine.keyId, T0, { type: 'base', item: 'standard' })), ADMIN);
    await engine.upload(text(await sign(engine.keyId, T0, { type: 'plus', item: 'gpu' })), ADMIN);
    await engine.upload(text(await usbLicense('KEY-A', T0)), ADMIN);
    const states = () => engine.listLicenses().filter(l => l.item === 'gpu').map(l => [l.method, l.state]);
    expect(states()).toEqual([['request-key', 'superseded'], ['usb-key', 'valid']]);
    expect(codes(engine)).toEqual([]);

    source.unplug();
    await watcher.poll();
    expect(states()).toEqual([['request-key', 'valid'], ['usb-key', 'key-missing']]);
    expect(codes(engine)).toEqual(['USB_KEY_MISSING']);
    expect(engine.status().exceptions[0].message).toMatch(/plug the USB key into one management node and press Refresh\. Licenses bound to a USB key are not in force/);
    await expect(engine.delete(engine.listLicenses().find(l => l.method === 'usb-key')!.id, ADMIN)).rejects.toMatchObject({ kind: 'conflict' });

    source.plug('KEY-A');
    await watcher.poll();
    expect(states()).toEqual([['request-key', 'superseded'], ['usb-key', 'valid']]);
  });

  it('keeps licensing on the fault buffer, then stops at its end, and records it', async () => {
    const { source, watcher, engine } = await managementNode();
    source.plug('KEY-A');
    await watcher.poll();
    await engine.upload(text(await sign(engine.keyId, T0, { type: 'base', item: 'standard' })), ADMIN);
    await engine.upload(text(await usbLicense('KEY-A', T0)), ADMIN);
    source.unplug();
    source.plug(undefined);
    clocks.now += 1000;
    await watcher.poll();
    expect(engine.status().usbKey).toMatchObject({ status: 'fault', keyId: 'KEY-A', bufferEndsAt: new Date(T0 + 1000 + 72 * HOUR).toISOString() });
    expect(codes(engine)).toEqual(['USB_KEY_FAULT']);
    expect(engine.check({ feature: 'gpu' })).toMatchObject({ allowed: true });

    // The buffer ends by itself at its instant, between two polls too.
    clocks.now = T0 + 1000 + 72 * HOUR - 1;
    clocks.mono += 72 * HOUR;
    await watcher.poll();
    expect(engine.check({ feature: 'gpu' })).toMatchObject({ allowed: true });
    clocks.now += 1;
    expect(engine.check({ feature: 'gpu' })).toMatchObject({ allowed: false, code: 'NOT_LICENSED' });
    await watcher.poll();
    expect(engine.status().usbKey.message).toMatch(/The buffer ended at .*: licenses bound to USB key KEY-A are not in force/);
    const { items } = await engine.records({ limit: 50, filter: { action: 'usb-key' } });
    expect(items.map(r => r.detail)).toEqual([
      expect.stringMatching(/^Fault buffer ended at/),
      expect.stringMatching(/^Fault buffer started for USB key KEY-A/),
      expect.stringMatching(/^USB key fault: The USB key on node mn-1 cannot be read/),
      expect.stringMatching(/^USB key KEY-A inserted on node mn-1: ready/),
    ]);
  });

  it('POST /reload rescans before it answers', async () => {
    const { source, engine } = await managementNode();
    source.hints = false;
    source.plug('KEY-A');
    const status = await engine.reload(ADMIN);
    expect(status.usbKey).toMatchObject({ status: 'ready', keyId: 'KEY-A' });
    const { items } = await engine.records({ limit: 1, filter: { action: 'reload' } });
    expect(items[0].detail).toMatch(/; USB key ready \(KEY-A\)$/);
  });
});
