import { compileCatalog } from './catalog';
import { decideFeature, decideQuota } from './check';
import { evaluateLicenses } from './evaluate';
import {
  afterGrace,
  type ClientLeaseState,
  clientEventDetail,
  evaluateClientSite,
  graceUntilOf,
  leaseInForce,
  leasedLicenses,
  NOT_CONFIGURED,
  nextLeaseState,
  serverView,
} from './leaseClient';
import { claimsProblem } from './claims';
import { base, now, plus } from './testUtils';

const catalog = compileCatalog();
const HOUR = 3_600_000;
const GRACE = 24 * HOUR;
const URL = 'http://licenses.example.com:7007';
const lease = { edition: 'enterprise-prepaid', modules: ['vmware'], quota: { hosts: 5, 'vmware-cpus': 8, 'arm-hosts': 2 } };
const connected: ClientLeaseState = {
  status: 'connected',
  url: URL,
  lease,
  lastContactAt: now,
  graceUntil: now + GRACE,
  message: null,
};
const local = [base('local-base', { item: 'standard', quota: { hosts: 100 } }), plus('local-gpu', 'gpu')];
const input = (at: number) => ({ licenses: local, catalog, now: at, usage: { hosts: 4 } });

describe('grace arithmetic', () => {
  it('a lease holds until the last success + grace, and not at that instant', () => {
    expect(graceUntilOf(now, GRACE)).toBe(now + GRACE);
    expect(leaseInForce(connected, now + GRACE - 1)).toBe(lease);
    expect(leaseInForce(connected, now + GRACE)).toBeUndefined();
    expect(leaseInForce({ ...connected, status: 'not-configured' }, now)).toBeUndefined();
  });

  it('the first failure disconnects, keeps the lease and its graceUntil; a success re-leases and moves graceUntil', () => {
    const down = nextLeaseState(connected, { kind: 'unreachable', reason: 'connect ECONNREFUSED' }, now + HOUR, GRACE, URL);
    expect(down.events).toEqual(['disconnected']);
    expect(down.state).toMatchObject({ status: 'disconnected', lease, lastContactAt: now, graceUntil: now + GRACE, message: 'connect ECONNREFUSED' });
    // Further failures record nothing new.
    const still = nextLeaseState(down.state, { kind: 'unreachable', reason: '503' }, now + 2 * HOUR, GRACE, URL);
    expect(still.events).toEqual([]);
    expect(still.state.graceUntil).toBe(now + GRACE);
    const back = nextLeaseState(still.state, { kind: 'leased', lease }, now + 3 * HOUR, GRACE, URL);
    expect(back.events).toEqual(['reconnected']);
    expect(back.state).toMatchObject({ status: 'connected', lastContactAt: now + 3 * HOUR, graceUntil: now + 3 * HOUR + GRACE, message: null });
  });

  it('after the grace the lease is lost, once; the server answering again reconnects', () => {
    const down = nextLeaseState(connected, { kind: 'unreachable', reason: 'timeout' }, now + HOUR, GRACE, URL).state;
    expect(afterGrace(down, now + GRACE - 1).events).toEqual([]);
    const lost = afterGrace(down, now + GRACE);
    expect(lost.events).toEqual(['lease-lost']);
    expect(lost.state).toMatchObject({ status: 'disconnected', lease: null, graceUntil: null, lastContactAt: now });
    expect(afterGrace(lost.state, now + 2 * GRACE).events).toEqual([]);
    // A failed renewal past the grace also drops it (the tick that sees it).
    expect(nextLeaseState(down, { kind: 'unreachable', reason: 'timeout' }, now + GRACE + 1, GRACE, URL).events).toEqual(['lease-lost']);
    const back = nextLeaseState(lost.state, { kind: 'leased', lease }, now + 30 * HOUR, GRACE, URL);
    expect(back.events).toEqual(['reconnected']);
  });

  it('a refusal ends the lease at once with the reason, records once per reason, and a grant connects again', () => {
    const refused = nextLeaseState(connected, { kind: 'refused', reason: 'the credential was revoked' }, now + HOUR, GRACE, URL);
    expect(refused.events).toEqual(['refused', 'lease-lost']);
    expect(refused.state).toMatchObject({ status: 'refused', lease: null, graceUntil: null, message: 'the credential was revoked' });
    expect(nextLeaseState(refused.state, { kind: 'refused', reason: 'the credential was revoked' }, now + 2 * HOUR, GRACE, URL).events).toEqual([]);
    // Unreachable while refused: still refused, no lease.
    expect(nextLeaseState(refused.state, { kind: 'unreachable', reason: 'x' }, now + 2 * HOUR, GRACE, URL).state.status).toBe('refused');
    const first = nextLeaseState(NOT_CONFIGURED, { kind: 'leased', lease }, now, GRACE, URL);
    expect(first.events).toEqual(['connected']);
  });
});

describe('the lease, evaluated through evaluateLicenses', () => {
  it('becomes a Base of the leased edition and a Plus per module, method server, quotas by slot', () => {
    const licenses = leasedLicenses(lease, { url: URL, lastContactAt: now, graceUntil: now + GRACE }, catalog);
    expect(licenses.map(l => [l.id, l.type, l.item, l.method, l.quota, l.expiresAt])).toEqual([
      // arm-hosts belongs to the arm64 module, not leased: counted on the Base, its feature not licensed.
      ['server:base', 'base', 'enterprise-prepaid', 'server', { hosts: 5, 'arm-hosts': 2 }, now + GRACE],
      ['server:vmware', 'plus', 'vmware', 'server', { 'vmware-cpus': 8 }, now + GRACE],
    ]);
  });

  it('while connected: the leased edition, modules and quota (0 for a metric not leased), the local licenses not counted', () => {
    const e = evaluateClientSite(input(now + HOUR), connected);
    expect(e.state).toBe('valid');
    expect(e.edition).toBe('enterprise-prepaid');
    expect(e.base?.method).toBe('server');
    expect([...e.plus.keys()]).toEqual(['vmware']);
    expect(e.quotas.find(q => q.metric === 'hosts')).toMatchObject({ authorized: 5, used: 4, exceeded: false });
    expect(decideFeature(catalog, e, 'vmware').code).toBe('OK');
    // gpu comes with the enterprise edition, not from the local Plus license.
    expect(decideFeature(catalog, e, 'backup').code).toBe('NOT_LICENSED');
    const ok = decideFeature(catalog, e, 'license-management');
    expect(decideQuota(catalog, e, ok, 'hosts', 2, 4).allowed).toBe(false);
    expect(decideQuota(catalog, e, ok, 'hosts', 1, 4).allowed).toBe(true);
    // The lease's end is no expiry warning; the evaluation is recomputed when the grace ends.
    expect(e.exceptions).toEqual([]);
    expect(e.validUntil).toBe(now + GRACE);
    // Server licensing off: the local licenses count again.
    const off = evaluateClientSite(input(now + HOUR), NOT_CONFIGURED);
    expect(off).toEqual(evaluateLicenses(input(now + HOUR)));
    expect(off.quotas.find(q => q.metric === 'hosts')?.authorized).toBe(100);
  });

  it('disconnected: the lease holds with LICENSE_SERVER_DISCONNECTED until graceUntil, then community and NOT_LICENSED', () => {
    const down = nextLeaseState(connected, { kind: 'unreachable', reason: 'connect ECONNREFUSED' }, now + HOUR, GRACE, URL).state;
    const within = evaluateClientSite(input(now + 2 * HOUR), down);
    expect(within.state).toBe('valid');
    expect(within.exceptions.map(x => x.code)).toEqual(['LICENSE_SERVER_DISCONNECTED']);
    expect(within.exceptions[0].message).toMatch(/cannot be reached .*connect ECONNREFUSED.*holds until/);
    expect(decideFeature(catalog, within, 'vmware').allowed).toBe(true);

    const after = evaluateClientSite(input(now + GRACE), down);
    expect(after.state).toBe('community');
    expect(after.edition).toBe('community');
    expect(after.exceptions.map(x => x.code)).toEqual(['LICENSE_SERVER_DISCONNECTED']);
    expect(decideFeature(catalog, after, 'vmware').code).toBe('NOT_LICENSED');
    expect(decideFeature(catalog, after, 'license-management').code).toBe('OK');
    expect(after.quotas.find(q => q.metric === 'hosts')).toMatchObject({ authorized: 0, used: 4 });
  });

  it('refused: no license, LICENSE_SERVER_DISCONNECTED with the reason', () => {
    const refused = nextLeaseState(connected, { kind: 'refused', reason: 'Hosts (hosts): 5 requested, 2 available' }, now, GRACE, URL).state;
    const e = evaluateClientSite(input(now + 1), refused);
    expect(e.state).toBe('community');
    expect(e.exceptions[0]).toMatchObject({ code: 'LICENSE_SERVER_DISCONNECTED', message: expect.stringMatching(/refused this site: Hosts \(hosts\): 5 requested, 2 available/) });
  });

  it('/status.server and the record details', () => {
    expect(serverView(connected, now)).toEqual({
      status: 'connected',
      url: URL,
      lastContactAt: new Date(now).toISOString(),
      graceUntil: new Date(now + GRACE).toISOString(),
      message: expect.stringMatching(/Licensed by the license server/),
    });
    expect(serverView(NOT_CONFIGURED, now)).toEqual({ status: 'not-configured', url: null, lastContactAt: null, graceUntil: null, message: null });
    expect(serverView(connected, now + GRACE).graceUntil).toBeNull();
    expect(clientEventDetail('connected', connected)).toBe(
      `Connected to the license server ${URL}: edition enterprise-prepaid; modules vmware; quota hosts=5, vmware-cpus=8, arm-hosts=2.`,
    );
  });

  it('no license token may claim method server', () => {
    const claims = { jti: 'x', iss: 'v', sub: 'k', iat: 1, exp: 2, license: { type: 'base', item: 'standard', method: 'server' } };
    expect(claimsProblem(claims, catalog, 1000)).toMatchObject({ problem: expect.any(String) });
  });
});
