import { compileCatalog } from './catalog';
import { evaluateLicenses } from './evaluate';
import { changeRecords, RECORD_DETAIL_LIMIT, rejectionRecord } from './records';
import { base, DAY, now, plus } from './testUtils';
import type { InstalledLicense } from './types';

const catalog = compileCatalog();
const judge = (licenses: InstalledLicense[], at = now) => evaluateLicenses({ licenses, catalog, now: at });
const who = 'user:default/admin';

describe('changeRecords', () => {
  it('upload: one upload record per installed license with its state after, one replace per license it supersedes', () => {
    const old = base('b1', { uploadSeq: 1 });
    const p = plus('p1', 'vmware', { uploadSeq: 2 });
    const newer = base('b2', { item: 'enterprise-prepaid', uploadSeq: 3 });
    const pending = plus('p2', 'gpu', { uploadSeq: 4, notBefore: now + DAY });
    const records = changeRecords(
      { action: 'upload', installed: [newer, pending] },
      { licenses: [old, p], before: judge([old, p]), after: judge([old, p, newer, pending]), time: now, actor: who },
    );
    expect(records.map(r => [r.action, r.licenseId, r.state, r.detail])).toEqual([
      ['upload', 'b2', 'valid', undefined],
      ['upload', 'p2', 'pending', undefined],
      ['replace', 'b1', 'superseded', 'replaced by b2'],
    ]);
    expect(records[0]).toMatchObject({ type: 'base', item: 'enterprise-prepaid', method: 'request-key', time: now, actor: who });
  });

  it('upload: a restored tampered row says so', () => {
    const b = base('b1');
    const [record] = changeRecords(
      { action: 'upload', installed: [b], restored: ['b1'] },
      { licenses: [], before: judge([]), after: judge([b]), time: now, actor: who },
    );
    expect(record.detail).toMatch(/restored from its signed token/);
  });

  it('reinstate: the license back in force and what it supersedes', () => {
    const b1 = base('b1', { uploadSeq: 1 });
    const b2 = base('b2', { uploadSeq: 2 });
    const back = { ...b1, uploadSeq: 3 };
    const records = changeRecords(
      { action: 'reinstate', license: b1 },
      { licenses: [b1, b2], before: judge([b1, b2]), after: judge([back, b2]), time: now, actor: who },
    );
    expect(records.map(r => [r.action, r.licenseId, r.state, r.detail])).toEqual([
      ['reinstate', 'b1', 'valid', 'back in force; supersedes b2'],
      ['replace', 'b2', 'superseded', 'replaced by b1'],
    ]);
  });

  it('delete: the state the license had, and nothing about what comes back into force', () => {
    const b = base('b');
    const p1 = plus('p1', 'vmware', { uploadSeq: 10 });
    const p2 = plus('p2', 'vmware', { uploadSeq: 11 });
    const records = changeRecords(
      { action: 'delete', license: p1 },
      { licenses: [b, p1, p2], before: judge([b, p1, p2]), after: judge([b, p2]), time: now, actor: who },
    );
    expect(records).toEqual([
      expect.objectContaining({ action: 'delete', licenseId: 'p1', state: 'superseded', type: 'plus', item: 'vmware', actor: who }),
    ]);
  });

  it('delete of a tampered row: no claim of the row in the record, the reason as detail', () => {
    const row = base('t', { item: 'enterprise-prepaid' });
    const [record] = changeRecords(
      { action: 'delete', license: row, tamperedReason: 'quota column edited' },
      { licenses: [], before: judge([]), after: judge([]), time: now, actor: who },
    );
    expect(record).toEqual({
      time: now,
      action: 'delete',
      licenseId: 't',
      state: 'tampered',
      actor: who,
      detail: 'removed a stored row that did not match its signed token (quota column edited)',
    });
  });

  it('expire: every license expired after and not before; without before, every expired license', () => {
    const gone = plus('p1', 'vmware', { expiresAt: now - DAY });
    const going = base('b', { expiresAt: now + DAY });
    const stays = plus('p2', 'gpu');
    const licenses = [gone, going, stays];
    const before = judge(licenses);
    const after = judge(licenses, now + 2 * DAY);
    const ctx = { licenses, after, time: now + 2 * DAY, actor: 'system' };
    expect(changeRecords({ action: 'expire' }, { ...ctx, before }).map(r => r.licenseId)).toEqual(['b']);
    const all = changeRecords({ action: 'expire' }, ctx);
    expect(all.map(r => [r.action, r.licenseId, r.state])).toEqual([
      ['expire', 'p1', 'expired'],
      ['expire', 'b', 'expired'],
    ]);
  });

  it('is pure: the same evaluations give the same records', () => {
    const b = base('b');
    const ctx = { licenses: [], before: judge([]), after: judge([b]), time: now, actor: who };
    expect(changeRecords({ action: 'upload', installed: [b] }, ctx)).toEqual(
      changeRecords({ action: 'upload', installed: [b] }, ctx),
    );
  });
});

describe('rejectionRecord', () => {
  it('records the actor and the reason, cut to the detail limit', () => {
    expect(rejectionRecord('Nothing was installed. Bad file.', who, now)).toEqual({
      time: now,
      action: 'rejected',
      actor: who,
      detail: 'Nothing was installed. Bad file.',
    });
    const long = rejectionRecord('x'.repeat(5000), who, now);
    expect(long.detail).toHaveLength(RECORD_DETAIL_LIMIT);
    expect(long.detail!.endsWith('…')).toBe(true);
  });
});
