import { compileCatalog } from './catalog';
import { evaluateLicenses, type Evaluation, type EvaluationInput } from './evaluate';
import type { InstalledLicense } from './types';
import { base, DAY, now, plus } from './testUtils';

const catalog = compileCatalog();
const MINUTE = 60_000;


function evaluate(
  licenses: InstalledLicense[],
  extra: Partial<EvaluationInput> = {},
): Evaluation {
  return evaluateLicenses({ licenses, catalog, now, ...extra });
}
const stateMap = (e: Evaluation) => Object.fromEntries(e.states);
const codes = (e: Evaluation) => e.exceptions.map(x => x.code);
const exception = (e: Evaluation, code: string, slot?: string) =>
  e.exceptions.find(x => x.code === code && (slot === undefined || x.slot === slot));

describe('evaluateLicenses', () => {
  describe('slots', () => {
    it('puts a single valid Base in force', () => {
      const b = base('b1');
      const e = evaluate([b]);
      expect(e.base).toBe(b);
      expect(stateMap(e)).toEqual({ b1: 'valid' });
    });

    it('gives every license exactly one state', () => {
      const list = [
        base('b1'),
        base('b2', { notBefore: now + DAY }),
        base('b3', { expiresAt: now - DAY }),
        plus('p1', 'vmware'),
        plus('p2', 'vmware'),
      ];
      const e = evaluate(list);
      expect([...e.states.keys()].sort()).toEqual(['b1', 'b2', 'b3', 'p1', 'p2']);
    });

    it('holds the Base slot with the valid license uploaded last; the others are superseded', () => {
      const older = base('older', { uploadSeq: 1, expiresAt: now + 300 * DAY });
      const newer = base('newer', { uploadSeq: 2, expiresAt: now + 30 * DAY });
      // List order must not matter, nor which one lasts longer.
      for (const list of [[older, newer], [newer, older]]) {
        const e = evaluate(list);
        expect(e.base).toBe(newer);
        expect(stateMap(e)).toEqual({ older: 'superseded', newer: 'valid' });
      }
    });

    it('gives each Plus module a slot of its own, independent of the Base slot', () => {
      const b = base('b', { uploadSeq: 1 });
      const vm1 = plus('vm1', 'vmware', { uploadSeq: 2 });
      const vm2 = plus('vm2', 'vmware', { uploadSeq: 3 });
      const arm = plus('arm', 'arm64', { uploadSeq: 4 });
      const e = evaluate([vm2, arm, b, vm1]);
      expect(e.base).toBe(b);
      expect(e.plus.get('vmware')).toBe(vm2);
      expect(e.plus.get('arm64')).toBe(arm);
      expect(e.plus.has('base')).toBe(false);
      expect([...e.plus.keys()].sort()).toEqual(['arm64', 'vmware']);
      expect(stateMap(e)).toEqual({
        b: 'valid',
        vm1: 'superseded',
        vm2: 'valid',
        arm: 'valid',
      });
    });

    it('brings the newest remaining valid license back into force when the one in force expires', () => {
      const a = base('a', { uploadSeq: 1, expiresAt: now + 100 * DAY });
      const b = base('b', { uploadSeq: 2, expiresAt: now + 10 * DAY });
      const c = base('c', { uploadSeq: 3, expiresAt: now + 5 * DAY });
      const list = [a, b, c];

      expect(stateMap(evaluate(list))).toEqual({ a: 'superseded', b: 'superseded', c: 'valid' });

      const at5 = evaluate(list, { now: now + 5 * DAY });
      expect(at5.base).toBe(b);
      expect(stateMap(at5)).toEqual({ a: 'superseded', b: 'valid', c: 'expired' });

      const at10 = evaluate(list, { now: now + 10 * DAY });
      expect(at10.base).toBe(a);
      expect(stateMap(at10)).toEqual({ a: 'valid', b: 'expired', c: 'expired' });
    });

    it('brings the newest remaining valid license back into force when the one in force is removed', () => {
      const a = plus('a', 'vmware', { uploadSeq: 1 });
      const b = plus('b', 'vmware', { uploadSeq: 2 });
      const c = plus('c', 'vmware', { uploadSeq: 3 });
      const e = evaluate([base('base', { uploadSeq: 0 }), a, b]);
      expect(e.plus.get('vmware')).toBe(b);
      expect(evaluate([base('base', { uploadSeq: 0 }), a, b, c]).plus.get('vmware')).toBe(c);
      expect(evaluate([base('base', { uploadSeq: 0 }), a]).plus.get('vmware')).toBe(a);
    });

    it('marks a license pending before its notBefore and puts it in its slot at notBefore', () => {
      const b = base('b', { notBefore: now + DAY });
      expect(stateMap(evaluate([b], { now: now + DAY - 1 }))).toEqual({ b: 'pending' });
      expect(evaluate([b], { now: now + DAY - 1 }).base).toBeUndefined();
      const atStart = evaluate([b], { now: now + DAY });
      expect(stateMap(atStart)).toEqual({ b: 'valid' });
      expect(atStart.base).toBe(b);
    });

    it('lets a renewal loaded ahead of time supersede the current license at its notBefore, without a gap', () => {
      const current = base('current', { uploadSeq: 1, expiresAt: now + 10 * DAY });
      const renewal = base('renewal', {
        uploadSeq: 2,
        notBefore: now + 10 * DAY,
        expiresAt: now + 375 * DAY,
      });
      const list = [current, renewal];
      expect(stateMap(evaluate(list))).toEqual({ current: 'valid', renewal: 'pending' });
      const justBefore = evaluate(list, { now: now + 10 * DAY - 1 });
      expect(justBefore.base).toBe(current);
      const atSwitch = evaluate(list, { now: now + 10 * DAY });
      expect(atSwitch.base).toBe(renewal);
      expect(atSwitch.state).toBe('valid');
      expect(stateMap(atSwitch)).toEqual({ current: 'expired', renewal: 'valid' });
    });

    it('makes an overlapping newer upload take over at its notBefore and supersede the current one', () => {
      const current = base('current', { uploadSeq: 1, expiresAt: now + 100 * DAY });
      const next = base('next', { uploadSeq: 2, notBefore: now + 5 * DAY });
      const e = evaluate([current, next], { now: now + 6 * DAY });
      expect(e.base).toBe(next);
      expect(stateMap(e)).toEqual({ current: 'superseded', next: 'valid' });
    });

    it('makes a pending license uploaded earlier than the one in force superseded when it starts', () => {
      const early = base('early', { uploadSeq: 1, notBefore: now + 5 * DAY });
      const late = base('late', { uploadSeq: 2 });
      expect(stateMap(evaluate([early, late]))).toEqual({ early: 'pending', late: 'valid' });
      const e = evaluate([early, late], { now: now + 6 * DAY });
      expect(e.base).toBe(late);
      expect(stateMap(e)).toEqual({ early: 'superseded', late: 'valid' });
    });

    it('marks a license expired at its expiresAt, and valid one millisecond before', () => {
      const b = base('b', { expiresAt: now + DAY });
      expect(stateMap(evaluate([b], { now: now + DAY - 1 }))).toEqual({ b: 'valid' });
      expect(stateMap(evaluate([b], { now: now + DAY }))).toEqual({ b: 'expired' });
      expect(stateMap(evaluate([b], { now: now + 2 * DAY }))).toEqual({ b: 'expired' });
    });

    it('never puts an expired license in force, however late it was uploaded', () => {
      const old = base('old', { uploadSeq: 1 });
      const newestButExpired = base('newest', { uploadSeq: 9, expiresAt: now - 1 });
      const e = evaluate([old, newestButExpired]);
      expect(e.base).toBe(old);
      expect(stateMap(e)).toEqual({ old: 'valid', newest: 'expired' });
    });

    it('lists a module among expiredModules when nothing holds its slot and a license of it expired, with a pending renewal\'s start', () => {
      const e = evaluate([
        base('b'),
        plus('vm-old', 'vmware', { expiresAt: now - DAY }),
        plus('arm-old', 'arm64', { expiresAt: now - DAY }),
        plus('arm-new', 'arm64'),
        plus('gpu-old', 'gpu', { expiresAt: now - DAY }),
        plus('gpu-next', 'gpu', { notBefore: now + DAY }),
      ]);
      expect([...e.expiredModules].sort()).toEqual(['gpu', 'vmware']);
      expect([...e.pendingStarts]).toEqual([['gpu', now + DAY]]);
      expect(e.plus.has('vmware')).toBe(false);
      expect(e.plus.has('gpu')).toBe(false);
    });
  });

  describe('portal state', () => {
    it('is community with no license at all', () => {
      const e = evaluate([]);
      expect(e.state).toBe('community');
      expect(e.edition).toBe('community');
      expect(e.base).toBeUndefined();
      expect(e.lastExpiredBase).toBeUndefined();
      expect(e.exceptions).toEqual([]);
      expect(e.quotas).toEqual([]);
    });

    it('is community while the only Base is still pending, and valid once it starts', () => {
      const b = base('b', { item: 'enterprise-prepaid', notBefore: now + DAY });
      const before = evaluate([b]);
      expect(before.state).toBe('community');
      expect(before.edition).toBe('community');
      expect(codes(before)).not.toContain('LICENSE_EXPIRED');
      const after = evaluate([b], { now: now + DAY });
      expect(after.state).toBe('valid');
      expect(after.edition).toBe('enterprise-prepaid');
    });

    it('is valid with the edition of the Base in force', () => {
      const e = evaluate([
        base('old', { item: 'standard', uploadSeq: 1 }),
        base('new', { item: 'enterprise-trial', uploadSeq: 2 }),
      ]);
      expect(e.state).toBe('valid');
      expect(e.edition).toBe('enterprise-trial');
      expect(e.lastExpiredBase).toBeUndefined();
    });

    it('stays valid when an older Base has expired but another is in force', () => {
      const e = evaluate([
        base('gone', { expiresAt: now - DAY }),
        base('live', { item: 'enterprise-trial' }),
      ]);
      expect(e.state).toBe('valid');
      expect(e.edition).toBe('enterprise-trial');
      expect(e.lastExpiredBase).toBeUndefined();
      expect(codes(e)).not.toContain('LICENSE_EXPIRED');
    });

    it('is expired when a Base has expired and none is valid, naming the Base that expired last', () => {
      const first = base('first', { item: 'standard', uploadSeq: 5, expiresAt: now - 10 * DAY });
      const last = base('last', { item: 'enterprise-trial', uploadSeq: 1, expiresAt: now - DAY });
      for (const list of [[first, last], [last, first]]) {
        const e = evaluate(list);
        expect(e.state).toBe('expired');
        expect(e.base).toBeUndefined();
        expect(e.lastExpiredBase).toBe(last);
        expect(e.edition).toBe('enterprise-trial');
      }
    });

    it('is expired, not community, when the Base has expired and a renewal is still pending', () => {
      const e = evaluate([
        base('gone', { expiresAt: now - DAY }),
        base('next', { notBefore: now + DAY }),
      ]);
      expect(e.state).toBe('expired');
      expect(e.lastExpiredBase?.id).toBe('gone');
      expect(codes(e)).toContain('LICENSE_EXPIRED');
    });

    it('ignores Plus licenses when deciding the portal state', () => {
      const e = evaluate([plus('vm', 'vmware')]);
      expect(e.state).toBe('community');
      expect(e.edition).toBe('community');
    });
  });

  describe('LICENSE_EXPIRING', () => {
    it('warns when the Base in force runs out within 15 days, with the days left', () => {
      const e = evaluate([base('b', { expiresAt: now + 10 * DAY })]);
      const x = exception(e, 'LICENSE_EXPIRING', 'base');
      expect(x).toEqual({
        code: 'LICENSE_EXPIRING',
        slot: 'base',
        daysLeft: 10,
        expiresAt: new Date(now + 10 * DAY).toISOString(),
        message: expect.stringContaining('Standard Base license expires in 10 days'),
      });
      expect(x!.message).toMatch(/upload a renewal/i);
    });

    it('does not warn when more than 15 days are left', () => {
      expect(codes(evaluate([base('b', { expiresAt: now + 16 * DAY })]))).toEqual([]);
      expect(codes(evaluate([base('b', { expiresAt: now + 15 * DAY + 1 })]))).toEqual([]);
    });

    it('starts warning exactly 15 days before the end', () => {
      const e = evaluate([base('b', { expiresAt: now + 15 * DAY })]);
      expect(exception(e, 'LICENSE_EXPIRING')?.daysLeft).toBe(15);
    });

    it('counts a part of a day as a whole day left', () => {
      const e = evaluate([base('b', { expiresAt: now + 2 * DAY + 1 })]);
      expect(exception(e, 'LICENSE_EXPIRING')?.daysLeft).toBe(3);
      const last = evaluate([base('b', { expiresAt: now + 1 })]);
      expect(exception(last, 'LICENSE_EXPIRING')?.daysLeft).toBe(1);
      expect(exception(last, 'LICENSE_EXPIRING')?.message).toContain('expires in 1 day ');
    });

    it('honours expiryWarningDays', () => {
      const b = base('b', { expiresAt: now + 20 * DAY });
      expect(codes(evaluate([b]))).toEqual([]);
      expect(exception(evaluate([b], { expiryWarningDays: 30 }), 'LICENSE_EXPIRING')?.daysLeft).toBe(20);
      const soon = base('soon', { expiresAt: now + 1 });
      expect(codes(evaluate([soon], { expiryWarningDays: 0 }))).toEqual([]);
    });

    it('is silenced by a renewal already loaded that starts when the current one ends', () => {
      const e = evaluate([
        base('current', { uploadSeq: 1, expiresAt: now + 10 * DAY }),
        base('renewal', { uploadSeq: 2, notBefore: now + 10 * DAY, expiresAt: now + 400 * DAY }),
      ]);
      expect(codes(e)).toEqual([]);
    });

    it('is silenced by a renewal that starts before the current one ends', () => {
      const e = evaluate([
        base('current', { uploadSeq: 1, expiresAt: now + 10 * DAY }),
        base('renewal', { uploadSeq: 2, notBefore: now + 3 * DAY, expiresAt: now + 400 * DAY }),
      ]);
      expect(codes(e)).toEqual([]);
    });

    it('is not silenced by a renewal that leaves a gap', () => {
      const e = evaluate([
        base('current', { uploadSeq: 1, expiresAt: now + 10 * DAY }),
        base('renewal', { uploadSeq: 2, notBefore: now + 10 * DAY + 1, expiresAt: now + 400 * DAY }),
      ]);
      const x = exception(e, 'LICENSE_EXPIRING', 'base');
      expect(x?.daysLeft).toBe(10);
      expect(x?.expiresAt).toBe(new Date(now + 10 * DAY).toISOString());
    });

    it('follows a chain of renewals to where coverage really ends', () => {
      const a = base('a', { uploadSeq: 1, expiresAt: now + 5 * DAY });
      const b = base('b', { uploadSeq: 2, notBefore: now + 5 * DAY, expiresAt: now + 12 * DAY });
      const c = base('c', { uploadSeq: 3, notBefore: now + 12 * DAY, expiresAt: now + 400 * DAY });
      expect(codes(evaluate([c, b, a]))).toEqual([]);
      const x = exception(evaluate([b, a]), 'LICENSE_EXPIRING', 'base');
      expect(x?.daysLeft).toBe(12);
      expect(x?.expiresAt).toBe(new Date(now + 12 * DAY).toISOString());
    });

    it('is silenced by an older, superseded license that outlasts the one in force', () => {
      const e = evaluate([
        base('long', { uploadSeq: 1, expiresAt: now + 200 * DAY }),
        base('short', { uploadSeq: 2, expiresAt: now + 3 * DAY }),
      ]);
      expect(e.base?.id).toBe('short');
      expect(codes(e)).toEqual([]);
    });

    it('is not silenced by a license for another slot', () => {
      const e = evaluate([
        base('b', { expiresAt: now + 400 * DAY }),
        plus('vm', 'vmware', { expiresAt: now + 7 * DAY }),
        plus('arm', 'arm64', { expiresAt: now + 400 * DAY }),
      ]);
      expect(e.exceptions).toHaveLength(1);
      const x = exception(e, 'LICENSE_EXPIRING', 'vmware');
      expect(x?.daysLeft).toBe(7);
      expect(x?.message).toContain('VMware Management Plus license expires in 7 days');
    });

    it('warns for every slot in force that runs out', () => {
      const e = evaluate([
        base('b', { expiresAt: now + 2 * DAY }),
        plus('vm', 'vmware', { expiresAt: now + 7 * DAY }),
      ]);
      expect(e.exceptions.map(x => x.slot).sort()).toEqual(['base', 'vmware']);
    });

    it('does not warn for a slot that has no license in force', () => {
      const e = evaluate([
        base('b'),
        plus('vm-gone', 'vmware', { expiresAt: now - DAY }),
        plus('arm-next', 'arm64', { notBefore: now + DAY, expiresAt: now + 5 * DAY }),
      ]);
      expect(codes(e)).toEqual([]);
    });

    it('does not let an expired license extend coverage', () => {
      const e = evaluate([
        base('gone', { uploadSeq: 1, expiresAt: now - DAY }),
        base('b', { uploadSeq: 2, expiresAt: now + 4 * DAY }),
      ]);
      expect(exception(e, 'LICENSE_EXPIRING')?.daysLeft).toBe(4);
    });
  });

  describe('LICENSE_EXPIRED', () => {
    it('is raised when a Base has expired and none is valid, with what to do', () => {
      const e = evaluate([base('b', { item: 'enterprise-prepaid', expiresAt: now - DAY })]);
      const x = exception(e, 'LICENSE_EXPIRED');
      expect(x).toMatchObject({
        slot: 'base',
        expiresAt: new Date(now - DAY).toISOString(),
      });
      expect(x?.message).toContain('Enterprise Prepaid');
      expect(x?.message).toContain('last valid day was 2025-12-30');
      expect(x?.message).toMatch(/upload a new license on the license management page/i);
    });

    it('is not raised for a portal that never had a Base', () => {
      expect(codes(evaluate([]))).toEqual([]);
    });

    it('does not warn LICENSE_EXPIRING for an expired Base', () => {
      expect(codes(evaluate([base('b', { expiresAt: now - 1 })]))).toEqual(['LICENSE_EXPIRED']);
    });

    it('is not raised for an expired Plus license alone', () => {
      const e = evaluate([base('b'), plus('vm', 'vmware', { expiresAt: now - DAY })]);
      expect(codes(e)).toEqual([]);
    });
  });

  describe('tampered licenses', () => {
    it('are listed as tampered, never in force, with one LICENSE_TAMPERED naming each', () => {
      const b = base('b', { uploadSeq: 1 });
      const e = evaluate([b], {
        tampered: [
          { id: 'forged', reason: "its column 'quota' says hosts=1000000 but its token says hosts=10" },
          { id: 'made-up', reason: 'its token does not verify' },
        ],
      });
      expect(stateMap(e)).toEqual({ b: 'valid', forged: 'tampered', 'made-up': 'tampered' });
      expect(e.base).toBe(b);
      const raised = e.exceptions.filter(x => x.code === 'LICENSE_TAMPERED');
      expect(raised.map(x => x.licenseId)).toEqual(['forged', 'made-up']);
      expect(raised[0].message).toContain("'forged'");
      expect(raised[0].message).toMatch(/hosts=1000000/);
      expect(raised[0].message).toMatch(/upload its license file again/i);
    });

    it('leave a portal whose only Base is tampered without a Base', () => {
      const e = evaluate([], { tampered: [{ id: 'b', reason: 'x' }] });
      expect(e.base).toBeUndefined();
      expect(e.state).toBe('community');
      expect(e.edition).toBe('community');
      expect(codes(e)).toEqual(['LICENSE_TAMPERED']);
    });
  });

  describe('clock rollback', () => {
    it('is raised when the clock is behind the high-water mark by more than the tolerance (10 minutes)', () => {
      const e = evaluate([base('b')], { highWaterMark: now + 10 * MINUTE + 1 });
      expect(e.clockRollback).toBe(true);
      const x = exception(e, 'CLOCK_ROLLBACK');
      expect(x?.message).toMatch(/clock/i);
      expect(x?.message).toMatch(/corrected/i);
    });

    it('is not raised within the tolerance, nor when the clock is ahead', () => {
      for (const highWaterMark of [now + 10 * MINUTE, now + 1, now, now - DAY, undefined]) {
        const e = evaluate([base('b')], { highWaterMark });
        expect(e.clockRollback).toBe(false);
        expect(codes(e)).toEqual([]);
      }
    });

    it('honours rollbackToleranceMs', () => {
      const hw = now + 2 * MINUTE;
      expect(evaluate([], { highWaterMark: hw }).clockRollback).toBe(false);
      expect(evaluate([], { highWaterMark: hw, rollbackToleranceMs: MINUTE }).clockRollback).toBe(true);
      expect(evaluate([], { highWaterMark: now + 1, rollbackToleranceMs: 0 }).clockRollback).toBe(true);
    });

    it('judges licenses at the later of the clock and the high-water mark', () => {
      expect(evaluate([], { highWaterMark: now + DAY }).at).toBe(now + DAY);
      expect(evaluate([], { highWaterMark: now + 1 }).at).toBe(now + 1);
      expect(evaluate([], { highWaterMark: now - DAY }).at).toBe(now);
      expect(evaluate([]).at).toBe(now);
    });

    it('does not revive an expired license when the clock is turned back', () => {
      const b = base('b', { expiresAt: now + DAY });
      const e = evaluate([b], { highWaterMark: now + 2 * DAY });
      expect(stateMap(e)).toEqual({ b: 'expired' });
      expect(e.state).toBe('expired');
      expect(codes(e).sort()).toEqual(['CLOCK_ROLLBACK', 'LICENSE_EXPIRED']);
    });

    it('does not revive an expired license even within the tolerance', () => {
      const b = base('b', { expiresAt: now + MINUTE });
      const e = evaluate([b], { highWaterMark: now + 2 * MINUTE });
      expect(e.clockRollback).toBe(false);
      expect(stateMap(e)).toEqual({ b: 'expired' });
    });

    it('does not hold back a license that started before the high-water mark', () => {
      const b = base('b', { notBefore: now + DAY });
      const e = evaluate([b], { highWaterMark: now + 2 * DAY });
      expect(stateMap(e)).toEqual({ b: 'valid' });
    });

    it('counts days left from the high-water mark', () => {
      const b = base('b', { expiresAt: now + 10 * DAY });
      const e = evaluate([b], { highWaterMark: now + 4 * DAY });
      expect(exception(e, 'LICENSE_EXPIRING')?.daysLeft).toBe(6);
    });
  });

  describe('quotas', () => {
    it('authorizes what the licenses in force grant, per metric, with use from usage', () => {
      const e = evaluate(
        [
          base('b', { quota: { hosts: 10 } }),
          plus('vm', 'vmware', { quota: { 'vmware-cpus': 64 } }),
          plus('arm', 'arm64', { quota: { 'arm-hosts': 4 } }),
        ],
        { usage: { hosts: 3, 'arm-hosts': 4 } },
      );
      expect(e.quotas).toEqual([
        { metric: 'hosts', authorized: 10, used: 3, leased: 0, exceeded: false },
        { metric: 'vmware-cpus', authorized: 64, used: 0, leased: 0, exceeded: false },
        { metric: 'arm-hosts', authorized: 4, used: 4, leased: 0, exceeded: false },
      ]);
      expect(codes(e)).toEqual([]);
    });

    it('does not count superseded, pending or expired licenses', () => {
      const e = evaluate([
        base('old', { uploadSeq: 1, quota: { hosts: 100 } }),
        base('cur', { uploadSeq: 2, quota: { hosts: 10 } }),
        base('next', { uploadSeq: 3, notBefore: now + DAY, quota: { hosts: 1000 } }),
        base('gone', { uploadSeq: 4, expiresAt: now - 1, quota: { hosts: 5000 } }),
      ]);
      expect(e.quotas).toEqual([{ metric: 'hosts', authorized: 10, used: 0, leased: 0, exceeded: false }]);
    });

    it('counts the quota of the license that comes back into force', () => {
      const list = [
        base('old', { uploadSeq: 1, quota: { hosts: 100 } }),
        base('cur', { uploadSeq: 2, expiresAt: now + DAY, quota: { hosts: 10 } }),
      ];
      expect(evaluate(list, { now: now + DAY }).quotas[0].authorized).toBe(100);
    });

    it('authorizes 0 for a metric no license in force grants', () => {
      const e = evaluate([base('b', { quota: {} })], { usage: { hosts: 0 } });
      expect(e.quotas).toEqual([{ metric: 'hosts', authorized: 0, used: 0, leased: 0, exceeded: false }]);
    });

    it('leaves out metrics neither granted nor reported', () => {
      expect(evaluate([base('b')]).quotas).toEqual([]);
    });

    it('ignores quota keys and usage the catalog does not know', () => {
      const e = evaluate([base('b', { quota: { hosts: 2, 'not-a-metric': 9 } })], {
        usage: { 'not-a-metric': 99 },
      });
      expect(e.quotas.map(q => q.metric)).toEqual(['hosts']);
      expect(codes(e)).toEqual([]);
    });

    it('does not judge use against a slot with no license in force', () => {
      const e = evaluate([base('b')], { usage: { 'vmware-cpus': 5 } });
      expect(e.quotas).toEqual([
        { metric: 'vmware-cpus', authorized: 0, used: 5, leased: 0, exceeded: false },
      ]);
      expect(codes(e)).toEqual([]);
    });
  });

  describe('QUOTA_EXCEEDED', () => {
    it('is raised when use is above the authorized amount of a slot in force', () => {
      const e = evaluate([base('b', { quota: { hosts: 10 } })], { usage: { hosts: 11 } });
      expect(e.quotas[0].exceeded).toBe(true);
      const x = exception(e, 'QUOTA_EXCEEDED');
      expect(x?.metric).toBe('hosts');
      expect(x?.message).toContain('Hosts: 11 in use, 10 authorized');
      expect(x?.message).toMatch(/license with a larger quota is installed or use drops/);
    });

    it('is not raised when use equals the authorized amount', () => {
      const e = evaluate([base('b', { quota: { hosts: 10 } })], { usage: { hosts: 10 } });
      expect(codes(e)).toEqual([]);
    });

    it('is raised for a Plus module metric', () => {
      const e = evaluate(
        [base('b'), plus('vm', 'vmware', { quota: { 'vmware-cpus': 8 } })],
        { usage: { 'vmware-cpus': 9 } },
      );
      expect(e.exceptions.map(x => [x.code, x.metric])).toEqual([['QUOTA_EXCEEDED', 'vmware-cpus']]);
    });

    it('is raised when the slot is in force but its license grants none of the metric', () => {
      const e = evaluate([base('b'), plus('vm', 'vmware')], { usage: { 'vmware-cpus': 1 } });
      expect(exception(e, 'QUOTA_EXCEEDED')?.metric).toBe('vmware-cpus');
    });

    it('is raised once per exceeded metric', () => {
      const e = evaluate(
        [base('b', { quota: { hosts: 1 } }), plus('arm', 'arm64', { quota: { 'arm-hosts': 1 } })],
        { usage: { hosts: 2, 'arm-hosts': 2 } },
      );
      expect(e.exceptions.map(x => x.metric)).toEqual(['hosts', 'arm-hosts']);
    });

    it('is cleared when the slot falls out of force', () => {
      const vm = plus('vm', 'vmware', { expiresAt: now + DAY, quota: { 'vmware-cpus': 8 } });
      const e = evaluate([base('b'), vm], { now: now + DAY, usage: { 'vmware-cpus': 9 } });
      expect(codes(e)).toEqual([]);
    });
  });

  describe('validUntil', () => {
    it('is Infinity when nothing will change by itself', () => {
      expect(evaluate([]).validUntil).toBe(Number.POSITIVE_INFINITY);
      expect(evaluate([base('gone', { expiresAt: now - DAY })]).validUntil).toBe(
        Number.POSITIVE_INFINITY,
      );
    });

    it('is the start of the expiry warning of the license in force', () => {
      expect(evaluate([base('b', { expiresAt: now + 100 * DAY })]).validUntil).toBe(now + 85 * DAY);
      expect(
        evaluate([base('b', { expiresAt: now + 100 * DAY })], { expiryWarningDays: 0 }).validUntil,
      ).toBe(now + 100 * DAY);
    });

    it('is the notBefore of a pending license when that comes first', () => {
      const e = evaluate([base('b'), plus('vm', 'vmware', { notBefore: now + 3 * DAY })]);
      expect(e.validUntil).toBe(now + 3 * DAY);
    });

    it('is the expiry of a superseded license when that comes first', () => {
      const e = evaluate(
        [base('old', { uploadSeq: 1, expiresAt: now + 2 * DAY }), base('new', { uploadSeq: 2 })],
        { expiryWarningDays: 0 },
      );
      expect(e.validUntil).toBe(now + 2 * DAY);
    });

    it('is the instant the days left of a warning drop', () => {
      const e = evaluate([base('b', { expiresAt: now + 10 * DAY + 5 * MINUTE })]);
      expect(exception(e, 'LICENSE_EXPIRING')?.daysLeft).toBe(11);
      expect(e.validUntil).toBe(now + 5 * MINUTE);
    });

    it('is no later than the instant a clock rollback ends', () => {
      const hw = now + DAY;
      const e = evaluate([base('b')], { highWaterMark: hw });
      expect(e.clockRollback).toBe(true);
      expect(e.validUntil).toBe(hw - 10 * MINUTE);
      expect(evaluate([base('b')], { highWaterMark: hw, now: e.validUntil }).clockRollback).toBe(false);
    });

    it('marks exactly the instants at which the evaluation changes', () => {
      // A timeline with renewals, a gap, supersession, pending licenses,
      // expiring warnings and quotas: walking from validUntil to validUntil,
      // nothing changes in between and something changes at each step.
      const licenses = [
        base('b1', { uploadSeq: 1, expiresAt: now + 20 * DAY, quota: { hosts: 5 } }),
        base('b2', { uploadSeq: 2, notBefore: now + 18 * DAY, expiresAt: now + 40 * DAY, quota: { hosts: 3 } }),
        base('b3', { uploadSeq: 3, notBefore: now + 45 * DAY, expiresAt: now + 60 * DAY }),
        plus('vm1', 'vmware', { uploadSeq: 4, expiresAt: now + 10 * DAY + 7 * MINUTE }),
        plus('vm2', 'vmware', { uploadSeq: 5, notBefore: now + 25 * DAY, expiresAt: now + 30 * DAY }),
      ];
      const usage = { hosts: 4 };
      const fingerprint = (e: Evaluation) =>
        JSON.stringify({
          states: stateMap(e),
          state: e.state,
          edition: e.edition,
          base: e.base?.id,
          plus: [...e.plus].map(([k, v]) => [k, v.id]),
          quotas: e.quotas,
          exceptions: e.exceptions,
        });
      let t = now;
      let steps = 0;
      for (;;) {
        const e = evaluate(licenses, { now: t, usage });
        if (e.validUntil === Number.POSITIVE_INFINITY) break;
        expect(e.validUntil).toBeGreaterThan(t);
        const before = evaluate(licenses, { now: e.validUntil - 1, usage });
        expect(fingerprint(before)).toBe(fingerprint(e));
        const at = evaluate(licenses, { now: e.validUntil, usage });
        expect(fingerprint(at)).not.toBe(fingerprint(e));
        t = e.validUntil;
        steps++;
        expect(steps).toBeLessThan(500);
      }
      expect(steps).toBeGreaterThan(20);
      expect(evaluate(licenses, { now: t, usage }).state).toBe('expired');
    });
  });
});
