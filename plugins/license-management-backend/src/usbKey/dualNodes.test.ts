import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { generateEd25519KeyPair } from '@backstage-licensing/plugin-license-management-node';
import { type Harness, startHarness } from '../testing/harness';
import { FakeUsbSource } from './testing/FakeUsbSource';
import { usbKeyConfig, usbSourceFeature, within } from './testing/usbTestBackend';

jest.setTimeout(120_000);

/** Two management nodes are two backends on one PostgreSQL database (PRODUCT.md §2.7). */
const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const POLL_MS = 200;
const NODE_TIMEOUT_MS = 2000;

describe.each(databases.eachSupportedId())('two management nodes on one %p database', databaseId => {
  const busA = new FakeUsbSource();
  const busB = new FakeUsbSource();
  let a: Harness;
  let b: Harness;
  let aStopped = false;

  beforeAll(async () => {
    const knex = await databases.init(databaseId);
    const shared = {
      vendor: { kid: 'test-vendor', ...generateEd25519KeyPair() },
      // The real clock: the watchers poll on real timers.
      clock: { get now() { return Date.now(); } },
    };
    const config = (node: string) => ({ ...usbKeyConfig(node), syncIntervalMs: POLL_MS });
    a = await startHarness(config('mn-a'), { ...shared, features: [mockServices.database.factory({ knex }), usbSourceFeature(busA)] });
    b = await startHarness(config('mn-b'), { ...shared, features: [mockServices.database.factory({ knex }), usbSourceFeature(busB)] });
  });
  afterAll(async () => {
    if (!aStopped) await a?.stop();
    await b?.stop();
  });

  const usb = async (h: Harness) => (await h.service.getStatus()).usbKey;
  const licensed = async (h: Harness) => (await h.service.check({ feature: 'gpu' })).allowed;

  /** Samples `gpu` on both nodes every 5 ms for `ms`: the longest run of 'not licensed' on either. */
  async function longestGap(ms: number): Promise<number> {
    const gaps = { a: 0, b: 0 };
    const since: { a?: number; b?: number } = {};
    const end = Date.now() + ms;
    while (Date.now() < end) {
      for (const [name, h] of [['a', a], ['b', b]] as const) {
        const now = Date.now();
        if (await licensed(h)) {
          if (since[name] !== undefined) gaps[name] = Math.max(gaps[name], now - since[name]!);
          since[name] = undefined;
        } else {
          since[name] ??= now;
        }
      }
      await new Promise(r => setTimeout(r, 5));
    }
    for (const name of ['a', 'b'] as const) if (since[name] !== undefined) gaps[name] = Math.max(gaps[name], Date.now() - since[name]!);
    return Math.max(gaps.a, gaps.b);
  }

  it('a key in node A licenses both nodes', async () => {
    busA.plug('KEY-A');
    // B sees it within one of its polls after A stored it.
    await within(3 * POLL_MS, async () => (await usb(a)).status === 'ready' && (await usb(b)).status === 'ready');
    expect(await usb(b)).toMatchObject({ keyId: 'KEY-A', nodes: [{ node: 'mn-a', keys: ['KEY-A'] }, { node: 'mn-b', keys: [] }] });

    expect((await a.upload(await a.token({ type: 'base', item: 'standard' }))).status).toBe(201);
    await within(5000, async () => (await b.service.getStatus()).edition === 'standard');
    // Uploaded on the node without the key: the key in A is present for B too.
    const res = await b.upload(await b.token({ type: 'plus', item: 'gpu', method: 'usb-key' }, { sub: 'KEY-A' }));
    expect(res.body.error?.message).toBeUndefined();
    expect(res.status).toBe(201);
    await within(5000, async () => (await licensed(a)) && (await licensed(b)));
  });

  it('moving the key from A to B keeps licensing without a gap longer than one poll', async () => {
    const sampling = longestGap(1500);
    await new Promise(r => setTimeout(r, 100));
    busA.unplug('KEY-A');
    busB.plug('KEY-A');
    expect(await sampling).toBeLessThanOrEqual(POLL_MS + 100);
    expect(await usb(a)).toMatchObject({ status: 'ready', keyId: 'KEY-A', nodes: [{ node: 'mn-a', keys: [] }, { node: 'mn-b', keys: ['KEY-A'] }] });
    expect((await usb(b)).status).toBe('ready');
  });

  it('keys in both nodes are abnormal on both; licensing goes on with the key that was ready', async () => {
    busA.plug('KEY-B');
    await within(3 * POLL_MS, async () => (await usb(a)).status === 'abnormal' && (await usb(b)).status === 'abnormal');
    expect(await usb(b)).toMatchObject({ keyId: 'KEY-A', presentKeys: ['KEY-A', 'KEY-B'] });
    expect((await b.service.getStatus()).exceptions.map(e => e.code)).toEqual(['USB_KEY_ABNORMAL']);
    expect(await licensed(a)).toBe(true);
    busA.unplug('KEY-B');
    await within(3 * POLL_MS, async () => (await usb(a)).status === 'ready' && (await usb(b)).status === 'ready');
  });

  it('when node A stops, its key counts until nodeTimeout, then no more', async () => {
    busB.unplug('KEY-A');
    busA.plug('KEY-A');
    await within(3 * POLL_MS, async () => (await usb(b)).nodes.some(n => n.node === 'mn-a' && n.keys.includes('KEY-A')) && (await licensed(b)));
    const stopped = Date.now();
    await a.stop();
    aStopped = true;
    // A restart within nodeTimeout would cost no licensing.
    expect(await licensed(b)).toBe(true);
    await within(NODE_TIMEOUT_MS + 3 * POLL_MS, async () => (await usb(b)).status === 'missing');
    expect(Date.now() - stopped).toBeGreaterThanOrEqual(NODE_TIMEOUT_MS - POLL_MS);
    expect(await licensed(b)).toBe(false);
    expect(await usb(b)).toMatchObject({ nodes: [{ node: 'mn-b' }] });
    expect((await b.service.getStatus()).exceptions.map(e => e.code)).toEqual(['USB_KEY_MISSING']);
  });
});
