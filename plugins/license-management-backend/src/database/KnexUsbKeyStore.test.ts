import { TestDatabases, type TestDatabaseId } from '@backstage/backend-test-utils';
import { INITIAL_USB_KEY_MEMORY, type UsbNodeReading } from '@backstage-licensing/plugin-license-management-common';
import { KnexLicenseStore } from './KnexLicenseStore';
import { KnexUsbKeyStore } from './KnexUsbKeyStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const T0 = Date.UTC(2026, 5, 1, 12);

const reading = (node: string, over: Partial<UsbNodeReading> = {}): UsbNodeReading => ({
  node,
  seenAt: T0,
  available: true,
  keys: [],
  faults: [],
  ...over,
});

describe.each(databases.eachSupportedId())('KnexUsbKeyStore on %p', (databaseId: TestDatabaseId) => {
  async function createStores() {
    const knex = await databases.init(databaseId);
    const licenses = await KnexLicenseStore.fromKnex(knex);
    return { knex, licenses, a: KnexUsbKeyStore.fromKnex(knex), b: KnexUsbKeyStore.fromKnex(knex) };
  }

  it('keeps one reading per node, written by each node and read by all', async () => {
    const { a, b } = await createStores();
    await a.writeReading(reading('mn-a', { keys: [{ serial: 'KEY-A', since: T0 - 5000 }] }), 0);
    await b.writeReading(reading('mn-b', { available: false, reason: 'no permission on /dev/bus/usb' }), 0);
    await a.writeReading(
      reading('mn-a', { seenAt: T0 + 2000, keys: [{ serial: 'KEY-A', since: T0 - 5000 }], faults: [{ error: 'device 1234:5678: unreadable', since: T0 + 2000 }] }),
      0,
    );
    expect(await b.listReadings()).toEqual([
      {
        node: 'mn-a',
        seenAt: T0 + 2000,
        available: true,
        keys: [{ serial: 'KEY-A', since: T0 - 5000 }],
        faults: [{ error: 'device 1234:5678: unreadable', since: T0 + 2000 }],
      },
      { node: 'mn-b', seenAt: T0, available: false, reason: 'no permission on /dev/bus/usb', keys: [], faults: [] },
    ]);
  });

  it('forgets nodes not seen since the given time', async () => {
    const { a, b } = await createStores();
    await b.writeReading(reading('gone', { seenAt: T0 - 2 * 86_400_000 }), 0);
    await a.writeReading(reading('mn-a'), T0 - 86_400_000);
    expect((await a.listReadings()).map(r => r.node)).toEqual(['mn-a']);
  });

  it('stores the shared state by compare-and-set, with its records in the same transaction, once', async () => {
    const { a, b, knex } = await createStores();
    expect(await a.getState()).toEqual({ version: 0 });
    const ready = { ...INITIAL_USB_KEY_MEMORY, status: 'ready' as const, keyId: 'KEY-A', readyKey: 'KEY-A', situation: 'ready:KEY-A' };
    const record = { time: T0, action: 'usb-key' as const, method: 'usb-key' as const, actor: 'system', detail: 'USB key KEY-A inserted on node mn-a: ready' };
    expect(await a.saveState(ready, 0, [record])).toBe(true);
    // The other replica judged from the same version: it loses, and writes nothing.
    expect(await b.saveState({ ...ready, situation: 'other' }, 0, [{ ...record, detail: 'lost' }])).toBe(false);
    expect(await b.getState()).toEqual({ memory: ready, version: 1 });
    const records = await knex('license_records').where({ action: 'usb-key' });
    expect(records.map(r => r.detail)).toEqual(['USB key KEY-A inserted on node mn-a: ready']);
  });

  it('starts afresh from a stored state that is not one', async () => {
    const { a, knex } = await createStores();
    await knex('license_usb_state').where({ id: 1 }).update({ memory: '{not json', version: 3 });
    expect(await a.getState()).toEqual({ version: 3 });
  });
});
