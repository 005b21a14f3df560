import net from 'node:net';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { generateEd25519KeyPair } from '@backstage-licensing/plugin-license-management-node';
import request from 'supertest';
import { type Harness, startHarness } from '../testing/harness';

jest.setTimeout(120_000);

const api = '/api/license-management';
const HOUR = 3_600_000;
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/**
 * A fixed address in front of the license server: the client site keeps one
 * URL while the server behind it is killed and started again (on another
 * port). With no server behind it, connections are cut at once.
 */
async function startProxy() {
  let target: number | undefined;
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer(client => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (target === undefined) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    client.pipe(upstream).pipe(client);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut);
    upstream.on('error', cut);
    upstream.on('close', cut);
  });
  await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`,
    to(port: number | undefined) {
      target = port;
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise<void>(resolve => {
      for (const s of sockets) s.destroy();
      proxy.close(() => resolve());
    }),
  };
}

/** Waits until `condition` holds (every 50 ms); fails after `ms`. */
async function until(what: string, condition: () => Promise<boolean>, ms = 10_000) {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

describe('two portals: a license server and a client site over HTTP', () => {
  let server: Harness | undefined;
  let client: Harness | undefined;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  afterAll(async () => {
    await client?.stop();
    await server?.stop();
    await proxy?.close();
  });

  it('leases and runs on leased quota; the server killed → disconnected → after the grace NOT_LICENSED → the server back → reconnected by itself', async () => {
    const knex = await databases.init('SQLITE_3');
    const vendor = { kid: 'test-vendor', ...generateEd25519KeyPair() };
    const serverClock = { now: Date.UTC(2026, 5, 1, 12) };
    const startServer = async () => {
      const h = await startHarness(
        { sharing: { enabled: true, leaseTtl: { minutes: 10 } } },
        { vendor, clock: serverClock, features: [mockServices.database.factory({ knex })] },
      );
      proxy.to((h.server.address() as net.AddressInfo).port);
      return h;
    };
    proxy = await startProxy();
    server = await startServer();
    const tokens = [
      await server.token({ type: 'base', item: 'standard', quota: { hosts: 10 } }),
      await server.token({ type: 'plus', item: 'vmware', quota: { 'vmware-cpus': 16 } }),
    ];
    expect((await server.upload(tokens.join('\n'))).status).toBe(201);
    const site = (await request(server.server).post(`${api}/sharing/sites`).set('Authorization', server.admin).send({ name: 'Branch' })).body;

    // The client site: its own database, clock and vendor; no local license.
    const clientClock = { now: Date.UTC(2026, 5, 1, 12) };
    client = await startHarness(
      {
        server: {
          url: proxy.url,
          credential: site.credential,
          modules: ['vmware'],
          quota: { hosts: 5, 'vmware-cpus': 4 },
          renewInterval: { seconds: 1 },
          grace: { hours: 24 },
        },
      },
      { clock: clientClock },
    );
    const c = client;
    const status = async () => (await request(c.server).get(`${api}/status`).set('Authorization', c.reader)).body;
    const check = async (body: object) => (await request(c.server).post(`${api}/check`).set('Authorization', c.reader).send(body)).body;

    await until('connected', async () => (await status()).server.status === 'connected');
    const leased = await status();
    expect(leased).toMatchObject({ state: 'valid', edition: 'standard', method: 'server', exceptions: [] });
    expect(leased.server).toEqual({
      status: 'connected',
      url: proxy.url,
      lastContactAt: expect.any(String),
      graceUntil: new Date(Date.parse(leased.server.lastContactAt) + 24 * HOUR).toISOString(),
      message: expect.stringMatching(/Licensed by the license server/),
    });
    expect(leased.plus.map((p: any) => [p.item, p.method])).toEqual([['vmware', 'server']]);
    expect(leased.quotas.find((q: any) => q.metric === 'hosts')).toMatchObject({ authorized: 5 });
    expect(await check({ feature: 'vmware' })).toMatchObject({ allowed: true, code: 'OK' });
    expect(await check({ feature: 'vmware', metric: 'vmware-cpus', amount: 4 })).toMatchObject({ allowed: true, code: 'OK' });
    expect(await check({ feature: 'vmware', metric: 'vmware-cpus', amount: 5 })).toMatchObject({ allowed: false, code: 'QUOTA_EXCEEDED' });
    expect(await check({ feature: 'backup' })).toMatchObject({ allowed: false, code: 'NOT_LICENSED' });
    const connection = await request(c.server).get(`${api}/server`).set('Authorization', c.reader);
    expect(connection.body).toEqual({ url: proxy.url, modules: ['vmware'], quota: { hosts: 5, 'vmware-cpus': 4 }, source: 'config' });
    // On the server: the lease takes its share of the pool.
    const pool = (await request(server.server).get(`${api}/sharing/pool`).set('Authorization', server.admin)).body.items;
    expect(pool.find((i: any) => i.metric === 'hosts')).toMatchObject({ authorized: 10, leased: 5, available: 5 });

    // Renewals move the times and signal nothing; a change of status does.
    const signalsBefore = c.signals.length;
    clientClock.now += 5000;
    await until('renewed', async () => (await status()).server.lastContactAt !== leased.server.lastContactAt);
    expect(c.signals.length).toBe(signalsBefore);

    // The server is killed: the next renewal fails, the lease holds through the grace.
    await server.stop();
    server = undefined;
    proxy.to(undefined);
    await until('disconnected', async () => (await status()).server.status === 'disconnected');
    const down = await status();
    expect(c.signals.length).toBeGreaterThan(signalsBefore);
    expect(down.state).toBe('valid');
    expect(down.exceptions.map((e: any) => e.code)).toEqual(['LICENSE_SERVER_DISCONNECTED']);
    // The lease holds until the last successful renewal + grace.
    expect(Date.parse(down.server.graceUntil)).toBe(Date.parse(down.server.lastContactAt) + 24 * HOUR);
    expect(await check({ feature: 'vmware' })).toMatchObject({ allowed: true });

    // The grace runs out: no license.
    clientClock.now += 25 * HOUR;
    const lost = await status();
    expect(lost).toMatchObject({ state: 'community', edition: 'community', base: null, plus: [] });
    expect(lost.server).toMatchObject({ status: 'disconnected', graceUntil: null });
    expect(lost.exceptions.map((e: any) => e.code)).toEqual(['LICENSE_SERVER_DISCONNECTED']);
    expect(await check({ feature: 'vmware' })).toMatchObject({ allowed: false, code: 'NOT_LICENSED' });
    expect(await check({ feature: 'license-management' })).toMatchObject({ allowed: true });

    // The server comes back on the same database: the site re-leases by itself.
    server = await startServer();
    await until('reconnected', async () => (await status()).server.status === 'connected');
    const back = await status();
    expect(back).toMatchObject({ state: 'valid', edition: 'standard', method: 'server', exceptions: [] });
    expect(await check({ feature: 'vmware' })).toMatchObject({ allowed: true, code: 'OK' });

    const records = (await request(c.server).get(`${api}/records?action=server&limit=50`).set('Authorization', c.admin)).body.items;
    expect(records.map((r: any) => r.detail).reverse()).toEqual([
      `Connected to the license server ${proxy.url}: edition standard; modules vmware; quota hosts=5, vmware-cpus=4.`,
      expect.stringMatching(new RegExp(`^The license server ${proxy.url} cannot be reached \\(.+\\); the lease holds until ${down.server.graceUntil}\\.$`)),
      `The lease from ${proxy.url} was lost: this portal has no license from the server until it leases again.`,
      `Reconnected to the license server ${proxy.url}: edition standard; modules vmware; quota hosts=5, vmware-cpus=4.`,
    ]);
    expect(records.every((r: any) => r.actor === 'license-management' && r.method === 'server')).toBe(true);
  });
});
