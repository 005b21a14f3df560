import http from 'node:http';
import type net from 'node:net';
import { TestDatabases } from '@backstage/backend-test-utils';
import { LeaseClient } from './LeaseClient';
import { LeaseClientStore } from './LeaseClientStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const HOUR = 3_600_000;
const warnings: string[] = [];
const logger = { info: () => {}, warn: (m: string) => void warnings.push(m) };

/** A stand-in license server: answers the lease route with `answer` (a lease, or an HTTP status). */
async function standIn() {
  const calls: Array<{ method: string; auth: string | undefined; body: string }> = [];
  // Its leases end at once, by its own clock (the Date header): shorter than any renewInterval.
  let answer: number | object = { edition: 'standard', modules: [], quota: { hosts: 2 }, expiresAt: new Date().toUTCString() };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      calls.push({ method: req.method!, auth: req.headers.authorization, body });
      if (req.url !== '/api/license-management/sharing/lease') return void res.writeHead(404).end();
      if (req.method === 'DELETE') return void res.writeHead(204).end();
      if (typeof answer === 'number') {
        res.writeHead(answer, { 'Content-Type': 'application/json' });
        return void res.end(JSON.stringify({ error: { name: 'Error', message: `no (${answer})` } }));
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    calls,
    answer: (a: number | object) => void (answer = a),
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}

describe.each(databases.eachSupportedId())('LeaseClient replicas on one %p database', databaseId => {
  let server: Awaited<ReturnType<typeof standIn>>;
  beforeAll(async () => {
    server = await standIn();
  });
  afterAll(() => server.close());

  it('two replicas share the state: each change stored and recorded once; a restart keeps the lease until its grace ends', async () => {
    warnings.length = 0;
    const knex = await databases.init(databaseId);
    const store = await LeaseClientStore.fromKnex(knex);
    const clock = { now: Date.UTC(2026, 5, 1, 12) };
    const settings = {
      config: { url: server.url, credential: 'site.secret', modules: [], quota: { hosts: 2 } },
      renewIntervalMs: 1000,
      graceMs: HOUR,
    };
    const replica = () => new LeaseClient({ store, settings, clock: () => clock.now, logger });
    const a = replica();
    const b = replica();
    await Promise.all([a.load(), b.load()]);
    expect(a.state().status).toBe('not-configured');

    await Promise.all([a.tick(), b.tick()]);
    expect(server.calls.at(-1)).toEqual({ method: 'PUT', auth: 'Bearer site.secret', body: JSON.stringify({ modules: [], quota: { hosts: 2 } }) });
    expect(a.state()).toMatchObject({ status: 'connected', lease: { edition: 'standard', quota: { hosts: 2 } }, graceUntil: clock.now + HOUR });
    await b.tick();
    expect(b.state().status).toBe('connected');
    // The stand-in's lease ends before the next renewal would come: said once per replica.
    expect(warnings.filter(w => /renews every 1 s: the lease may end between renewals/.test(w))).toHaveLength(2);

    // The server fails (503): both see it, one record.
    server.answer(503);
    clock.now += 60_000;
    await Promise.all([a.tick(), b.tick()]);
    await Promise.all([a.tick(), b.tick()]);
    expect(a.state()).toMatchObject({ status: 'disconnected', message: '503: no (503)', lastContactAt: clock.now - 60_000 });
    expect(b.state().status).toBe('disconnected');

    // A restarted replica holds the stored lease until the grace ends.
    const restarted = replica();
    await restarted.load();
    expect(restarted.state()).toMatchObject({ status: 'disconnected', lease: { edition: 'standard' } });

    clock.now += HOUR;
    await Promise.all([a.tick(), b.tick()]);
    expect(a.state()).toMatchObject({ status: 'disconnected', lease: null, graceUntil: null });

    // 409: refused with the server's words; then the server grants again: reconnected.
    server.answer(409);
    await Promise.all([a.tick(), b.tick()]);
    expect(b.state()).toMatchObject({ status: 'refused', message: '409: no (409)' });
    server.answer({ edition: 'standard', modules: [], quota: { hosts: 2 }, expiresAt: 'x' });
    await Promise.all([a.tick(), b.tick()]);
    expect(a.state().status).toBe('connected');

    const records = await knex('license_records').where({ action: 'server' }).orderBy('seq');
    expect(records.map(r => r.detail)).toEqual([
      expect.stringMatching(/^Connected/),
      expect.stringMatching(/cannot be reached \(503: no \(503\)\)/),
      expect.stringMatching(/was lost/),
      expect.stringMatching(/refused this site: 409: no \(409\)\.$/),
      expect.stringMatching(/^Reconnected/),
    ]);
  });
});
