import http from 'node:http';
import request from 'supertest';
import { requestLease } from '../leaseClient/leaseHttp';
import { type Harness, startHarness } from '../testing/harness';
import { KnexSharingStore } from './KnexSharingStore';
import { addressKey, LEASE_AUTH_LIMIT, LeaseAuthLimiter } from './leaseAuthLimit';

jest.setTimeout(60_000);

const api = '/api/license-management';
const { failures: N, windowMs: WINDOW_MS } = LEASE_AUTH_LIMIT;

describe('addressKey', () => {
  it('keys IPv4 (also IPv4-mapped) as is and IPv6 by its /64', () => {
    expect(addressKey('10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });
});

describe('LeaseAuthLimiter', () => {
  it('limits an address after N failures until its window ends, and no other address', () => {
    const clock = { now: 0 };
    const limiter = new LeaseAuthLimiter(() => clock.now, { failures: 3, windowMs: 1000 });
    for (let i = 0; i < 3; i++) {
      expect(limiter.waitMs('a')).toBe(0);
      limiter.fail('a');
      clock.now += 100;
    }
    expect(limiter.waitMs('a')).toBe(700);
    expect(limiter.waitMs('b')).toBe(0);
    clock.now = 999;
    expect(limiter.waitMs('a')).toBe(1);
    clock.now = 1000;
    expect(limiter.waitMs('a')).toBe(0);
    expect(limiter.size).toBe(0);
    // A new window starts with the next failure.
    limiter.fail('a');
    expect(limiter.waitMs('a')).toBe(0);
  });

  it('remembers at most `addresses` entries, forgetting the one seen longest ago', () => {
    const clock = { now: 0 };
    const limiter = new LeaseAuthLimiter(() => clock.now, { failures: 1, windowMs: 1000, addresses: 3 });
    for (const a of ['a', 'b', 'c']) limiter.fail(a);
    expect(limiter.waitMs('a')).toBe(1000); // seen again: now the most recent
    limiter.fail('d');
    expect(limiter.size).toBe(3);
    expect(limiter.waitMs('b')).toBe(0); // forgotten
    expect(limiter.waitMs('a')).toBe(1000);
    expect(limiter.waitMs('d')).toBe(1000);
  });
});

/** A request from another loopback address (127.0.0.2) than supertest's 127.0.0.1. */
function from(localAddress: string, server: http.Server, method: string, credential: string, body?: object) {
  const { port } = server.address() as { port: number };
  return new Promise<{ status: number; body: any; retryAfter?: string }>((resolve, reject) => {
    const data = body ? JSON.stringify(body) : undefined;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        localAddress,
        method,
        path: `${api}/sharing/lease`,
        headers: { Authorization: `Bearer ${credential}`, ...(data ? { 'Content-Type': 'application/json' } : {}) },
      },
      res => {
        let text = '';
        res.on('data', chunk => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined, retryAfter: res.headers['retry-after'] as string | undefined }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe('the lease routes limit failed credential checks per client address', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ sharing: { enabled: true, leaseTtl: { hours: 1 } } });
    expect((await h.upload(await h.token({ type: 'base', item: 'standard', quota: { hosts: 10 } }))).status).toBe(201);
  });
  afterAll(() => h?.stop());
  afterEach(() => jest.restoreAllMocks());

  const addSite = async (name: string) => {
    const res = await request(h.server).post(`${api}/sharing/sites`).set('Authorization', h.admin).send({ name });
    expect(res.status).toBe(201);
    return res.body as { id: string; credential: string };
  };
  /** From 127.0.0.1: the attacker here. */
  const lease = (credential: string) => request(h.server).put(`${api}/sharing/lease`).set('Authorization', `Bearer ${credential}`).send({ quota: { hosts: 1 } });
  const unknown = (i: number) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}.${'A'.repeat(43)}`;

  it(`answers 429 with Retry-After after ${N} failures a minute, without the database; valid sites keep renewing; the window passing lets the address try again`, async () => {
    const site = await addSite('Honest');
    const nearby = await addSite('Behind the same NAT');
    const fresh = await addSite('Fresh');
    const newcomer = await addSite('Newcomer');
    // The honest site renews from 127.0.0.2; `nearby` has leased once from 127.0.0.1 (its hash is in memory).
    expect((await from('127.0.0.2', h.server, 'PUT', site.credential, { quota: { hosts: 1 } })).status).toBe(200);
    expect((await lease(nearby.credential)).status).toBe(200);
    const lookups = jest.spyOn(KnexSharingStore.prototype, 'credentialOf');

    for (let i = 0; i < N; i++) {
      const res = i % 2 ? await lease(unknown(i)) : await request(h.server).delete(`${api}/sharing/lease`).set('Authorization', 'Bearer nonsense');
      expect(res.status).toBe(401);
    }
    expect(lookups).toHaveBeenCalledTimes(N / 2); // the unknown ones; a malformed one needs no lookup

    const limited = await lease(unknown(999));
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe(String(WINDOW_MS / 1000));
    expect(limited.body.error.message).toMatch(new RegExp(`try again in ${WINDOW_MS / 1000} s \\(after ${new Date(h.clock.now + WINDOW_MS).toISOString()}\\)`));
    expect(limited.body.response.statusCode).toBe(429);
    expect((await request(h.server).delete(`${api}/sharing/lease`).set('Authorization', `Bearer ${unknown(998)}`)).status).toBe(429);
    expect((await request(h.server).put(`${api}/sharing/lease`).send({})).status).toBe(429);
    // A known site's wrong secret is limited too, the same answer as an unknown one.
    expect((await lease(`${site.id}.${'B'.repeat(43)}`)).status).toBe(429);
    expect(lookups).toHaveBeenCalledTimes(N / 2);

    // Sites at another address are not affected, also one this replica has not seen yet (looked up once);
    // at the limited address a site this replica knows still renews (checked in memory), a new one waits.
    h.clock.now += WINDOW_MS / 2;
    expect((await from('127.0.0.2', h.server, 'PUT', site.credential, { quota: { hosts: 1 } })).status).toBe(200);
    expect((await from('127.0.0.2', h.server, 'PUT', fresh.credential, { quota: { hosts: 1 } })).status).toBe(200);
    expect(lookups).toHaveBeenCalledTimes(N / 2 + 1);
    expect((await lease(nearby.credential)).status).toBe(200);
    expect((await lease(newcomer.credential)).status).toBe(429);
    // The lease client reads the 429 as "no answer": disconnected, its lease held until its grace ends.
    const { port } = h.server.address() as { port: number };
    const outcome = await requestLease({ url: `http://127.0.0.1:${port}`, credential: unknown(997), modules: [], quota: {} }, 5000);
    expect(outcome).toEqual({ kind: 'unreachable', reason: expect.stringMatching(/^429: Too many lease requests .* try again in 30 s/) });
    expect(lookups).toHaveBeenCalledTimes(N / 2 + 1);

    // Half a window left; then the address may try again (and is looked up again).
    const still = await lease(unknown(996));
    expect([still.status, still.headers['retry-after']]).toEqual([429, String(WINDOW_MS / 2000)]);
    h.clock.now += WINDOW_MS / 2;
    expect((await lease(unknown(995))).status).toBe(401);
    expect(lookups).toHaveBeenCalledTimes(N / 2 + 2);
    expect((await lease(newcomer.credential)).status).toBe(200);
    await request(h.server).delete(`${api}/sharing/lease`).set('Authorization', `Bearer ${nearby.credential}`).expect(204);
    await request(h.server).delete(`${api}/sharing/lease`).set('Authorization', `Bearer ${newcomer.credential}`).expect(204);
    for (const s of [site, fresh]) expect((await from('127.0.0.2', h.server, 'DELETE', s.credential)).status).toBe(204);
  });

  it('does not count successful requests: a site renewing often is never limited', async () => {
    const site = await addSite('Busy');
    for (let i = 0; i < N + 5; i++) expect((await lease(site.credential)).status).toBe(200);
  });
});
