import { TestDatabases, type TestDatabaseId } from '@backstage/backend-test-utils';
import { DAY_MS } from '@backstage-licensing/plugin-license-management-common';
import { KnexLicenseStore } from './KnexLicenseStore';
import { type NewLicense, type NewRecord, type RecordFilter, StoreConflictError, usageTotals } from './LicenseStore';
import { encodeRecordCursor, InvalidRecordCursorError } from './recordCursor';
import { SHORT_SEARCH_WINDOW } from './recordSearch';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const DAY = DAY_MS;
const T0 = Date.UTC(2026, 0, 1);

function license(id: string, over: Partial<NewLicense> = {}): NewLicense {
  return {
    id,
    token: `token-of-${id}`,
    type: 'plus',
    item: 'vmware',
    method: 'request-key',
    keyId: 'KEY',
    issuer: 'vendor',
    quota: { 'vmware-cpus': 8 },
    issuedAt: T0,
    expiresAt: T0 + 365 * DAY,
    uploadedAt: T0,
    uploadedBy: 'user:default/admin',
    ...over,
  };
}

const record = (action: NewRecord['action'], licenseId: string, time = T0): NewRecord => ({
  time,
  action,
  licenseId,
  type: 'plus',
  item: 'vmware',
  method: 'request-key',
  state: 'valid',
  actor: 'user:default/admin',
});

describe.each(databases.eachSupportedId())('KnexLicenseStore on %p', (databaseId: TestDatabaseId) => {
  async function createStore() {
    const knex = await databases.init(databaseId);
    return KnexLicenseStore.fromKnex(knex);
  }

  it('keeps the first installation identity, whichever replica stores it first', async () => {
    const store = await createStore();
    const first = { keyId: 'AAAAA', publicKeyPem: 'pub1', privateKeyPem: 'priv1', createdAt: T0 };
    const second = { keyId: 'BBBBB', publicKeyPem: 'pub2', privateKeyPem: 'priv2', createdAt: T0 + 1 };
    expect(await store.ensureInstallation(first)).toEqual(first);
    expect(await store.ensureInstallation(second)).toEqual(first);
  });

  it('installs licenses in upload order with their records, in one change', async () => {
    const store = await createStore();
    const rev0 = await store.getRevision();
    await store.installLicenses(
      [license('a', { notBefore: T0 + DAY, customer: 'Acme' }), license('b')],
      [record('upload', 'a'), record('upload', 'b')],
    );
    const listed = await store.listLicenses();
    expect(listed.map(l => l.id)).toEqual(['a', 'b']);
    expect(listed[0].uploadSeq).toBeLessThan(listed[1].uploadSeq);
    expect(listed[0]).toMatchObject({ notBefore: T0 + DAY, customer: 'Acme', quota: { 'vmware-cpus': 8 } });
    expect(listed[1].notBefore).toBeUndefined();
    expect(await store.getRevision()).toBe(rev0 + 1);
    const { items } = await store.listRecords({ limit: 10 });
    expect(items.map(r => r.licenseId)).toEqual(['b', 'a']);
  });

  it('installs a large upload in file order across statements, and looks many ids up at once', async () => {
    const store = await createStore();
    const ids = Array.from({ length: 120 }, (_, i) => `bulk-${String(119 - i).padStart(3, '0')}`);
    await store.installLicenses(ids.map(id => license(id)), ids.map(id => record('upload', id)));
    const listed = await store.listLicenses();
    expect(listed.map(l => l.id)).toEqual(ids);
    expect(listed.every((l, i) => i === 0 || l.uploadSeq > listed[i - 1].uploadSeq)).toBe(true);
    expect((await store.listRecords({ limit: 200 })).items).toHaveLength(120);
    await store.deleteLicense('bulk-005', T0 + 1, 'user:default/admin', []);
    const found = await store.getLicenses([...ids, 'unknown']);
    expect(found.size).toBe(120);
    expect(found.has('unknown')).toBe(false);
    expect(found.get('bulk-005')).toMatchObject({ deletedAt: T0 + 1 });
    expect(found.get('bulk-006')?.deletedAt).toBeUndefined();
  });

  it('refuses an id that is installed already and writes nothing of that upload', async () => {
    const store = await createStore();
    await store.installLicenses([license('a')], [record('upload', 'a')]);
    const rev = await store.getRevision();
    await expect(
      store.installLicenses([license('c'), license('a', { token: 'other' })], [record('upload', 'c')]),
    ).rejects.toBeInstanceOf(StoreConflictError);
    expect((await store.listLicenses()).map(l => l.id)).toEqual(['a']);
    expect((await store.listRecords({ limit: 10 })).items).toHaveLength(1);
    expect(await store.getRevision()).toBe(rev);
  });

  it('soft-deletes a license, keeps it for look-up, and installs it again as a new upload', async () => {
    const store = await createStore();
    await store.installLicenses([license('a'), license('b')], []);
    const seqA = (await store.listLicenses())[0].uploadSeq;
    expect(await store.deleteLicense('a', T0 + 5, 'user:default/admin', [record('delete', 'a')])).toBe(true);
    expect(await store.deleteLicense('a', T0 + 6, 'user:default/admin', [record('delete', 'a')])).toBe(false);
    expect((await store.listLicenses()).map(l => l.id)).toEqual(['b']);
    expect(await store.getLicense('a')).toMatchObject({ id: 'a', deletedAt: T0 + 5 });
    expect((await store.listRecords({ limit: 10 })).items).toHaveLength(1);

    await store.installLicenses([license('a')], [record('upload', 'a')]);
    const again = await store.listLicenses();
    expect(again.map(l => l.id)).toEqual(['b', 'a']);
    expect(again[1].uploadSeq).toBeGreaterThan(seqA);
    expect((await store.getLicense('a'))?.deletedAt).toBeUndefined();
  });

  it('records each expiry once, however often it is asked', async () => {
    const store = await createStore();
    await store.installLicenses([license('old', { expiresAt: T0 + DAY }), license('new')], []);
    const recordFor = (l: { id: string }) => ({ ...record('expire', l.id, T0 + 2 * DAY), state: 'expired' as const });
    const due = (await store.listLicenses()).filter(l => l.id === 'old').map(l => ({ license: l, record: recordFor(l) }));
    const [first, second] = await Promise.all([store.recordExpiries(due), store.recordExpiries(due)]);
    expect([...first, ...second].map(l => l.id)).toEqual(['old']);
    expect(await store.recordExpiries(due)).toEqual([]);
    expect(await store.recordExpiries([])).toEqual([]);
    const { items } = await store.listRecords({ limit: 10, filter: { action: 'expire' } });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ licenseId: 'old', state: 'expired' });
  });

  it('stores what the domain decided: an expiry it is given, whatever the license\'s exp says, and none it is not given', async () => {
    const store = await createStore();
    // The store does not judge time: a license it is told is expired is recorded, one it is not told about is not.
    await store.installLicenses([license('told', { expiresAt: T0 + 300 * DAY }), license('untold', { expiresAt: T0 - DAY })], []);
    const [told] = (await store.listLicenses()).filter(l => l.id === 'told');
    const marked = await store.recordExpiries([{ license: told, record: { ...record('expire', 'told', T0), state: 'expired' } }]);
    expect(marked.map(l => l.id)).toEqual(['told']);
    const { items } = await store.listRecords({ limit: 10, filter: { action: 'expire' } });
    expect(items.map(r => r.licenseId)).toEqual(['told']);
  });

  it('records no expiry of a deleted license, and the expiry of its new row once it comes back', async () => {
    const store = await createStore();
    await store.installLicenses([license('p', { expiresAt: T0 + DAY })], []);
    const [first] = await store.listLicenses();
    await store.deleteLicense('p', T0, 'admin', []);
    const expiry = (l: typeof first) => ({ license: l, record: { ...record('expire', 'p', T0 + 2 * DAY), state: 'expired' as const } });
    expect(await store.recordExpiries([expiry(first)])).toEqual([]);
    await store.installLicenses([license('p', { expiresAt: T0 + DAY })], []);
    const [again] = await store.listLicenses();
    expect((await store.recordExpiries([expiry(again)])).map(l => l.uploadSeq)).toEqual([again.uploadSeq]);
  });

  it('lists each reporter\'s last report, and sums them per metric', async () => {
    const store = await createStore();
    await store.setUsage('hosts', 5, T0, 'provider:catalog');
    await store.setUsage('hosts', 7, T0 + 1000, 'user:default/ops');
    await store.setUsage('hosts', 6, T0 + 2000, 'provider:catalog');
    const reports = await store.getUsageReports();
    expect(reports.sort((a, b) => a.reporter.localeCompare(b.reporter))).toEqual([
      { metric: 'hosts', reporter: 'provider:catalog', used: 6, reportedAt: T0 + 2000 },
      { metric: 'hosts', reporter: 'user:default/ops', used: 7, reportedAt: T0 + 1000 },
    ]);
    expect(usageTotals(await store.getUsageReports())).toEqual({ hosts: 13 });
  });

  it('pages records newest first by cursor, with filters', async () => {
    const store = await createStore();
    const records: NewRecord[] = [];
    for (let i = 0; i < 25; i++) {
      records.push({ ...record(i % 5 === 0 ? 'delete' : 'upload', `l${i}`, T0 + i), ...(i % 2 ? { type: 'base', item: 'standard' } : {}) });
    }
    await store.appendRecords(records);
    const first = await store.listRecords({ limit: 10 });
    expect(first.items.map(r => r.licenseId)).toEqual(['l24', 'l23', 'l22', 'l21', 'l20', 'l19', 'l18', 'l17', 'l16', 'l15']);
    expect(first.items[0].time).toBe(new Date(T0 + 24).toISOString());
    const second = await store.listRecords({ limit: 10, cursor: first.nextCursor! });
    expect(second.items[0].licenseId).toBe('l14');
    const third = await store.listRecords({ limit: 10, cursor: second.nextCursor! });
    expect(third.items).toHaveLength(5);
    expect(third.nextCursor).toBeNull();

    const deletes = await store.listRecords({ limit: 3, filter: { action: 'delete' } });
    expect(deletes.items.map(r => r.licenseId)).toEqual(['l20', 'l15', 'l10']);
    const rest = await store.listRecords({ limit: 3, cursor: deletes.nextCursor!, filter: { action: 'delete' } });
    expect(rest.items.map(r => r.licenseId)).toEqual(['l5', 'l0']);
    expect(rest.nextCursor).toBeNull();
    const bases = await store.listRecords({ limit: 50, filter: { type: 'base', item: 'standard' } });
    expect(bases.items).toHaveLength(12);
    const found = await store.listRecords({ limit: 50, filter: { q: 'L2' } });
    expect(found.items.map(r => r.licenseId)).toEqual(['l24', 'l23', 'l22', 'l21', 'l20', 'l2']);
    expect((await store.listRecords({ limit: 50, filter: { q: '100%_' } })).items).toEqual([]);
  });

  describe('free-text search (q)', () => {
    const noted = (i: number, over: Partial<NewRecord> = {}): NewRecord => ({
      ...record(i % 3 === 0 ? 'delete' : 'upload', `lic-${String(i).padStart(5, '0')}`, T0 + i),
      ...over,
    });

    /** Every page of a query, following nextCursor. */
    async function allPages(store: KnexLicenseStore, filter: RecordFilter, limit = 3) {
      const ids: Array<string | null> = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const page = await store.listRecords({ limit, cursor, filter });
        ids.push(...page.items.map(r => r.licenseId));
        if (!page.nextCursor) return ids;
        expect(page.nextCursor).not.toMatch(/^\d+$/);
        cursor = page.nextCursor;
      }
      throw new Error('too many pages');
    }

    it('finds a substring of the license id, item, actor or detail, ignoring case', async () => {
      const store = await createStore();
      await store.appendRecords([
        noted(1, { licenseId: 'ACME-Base-2026' }),
        noted(2, { item: 'openshift-virt' }),
        noted(3, { actor: 'user:default/Jane.Doe' }),
        noted(4, { detail: 'Reloaded after the USB key came back' }),
        noted(5, { action: 'clock', licenseId: undefined, item: undefined, detail: 'clock reset' }),
      ]);
      const find = async (q: string) => (await store.listRecords({ limit: 50, filter: { q } })).items.map(r => r.time);
      const at = (...i: number[]) => i.map(n => new Date(T0 + n).toISOString());
      expect(await find('acme-base')).toEqual(at(1));
      expect(await find('E-BASE-20')).toEqual(at(1));
      expect(await find('SHIFT-V')).toEqual(at(2));
      expect(await find('jane.DOE')).toEqual(at(3));
      expect(await find('usb key')).toEqual(at(4));
      expect(await find('RESET')).toEqual(at(5));
      expect(await find('default/admin')).toEqual(at(5, 4, 2, 1));
      expect(await find('lic-0000')).toEqual(at(4, 3, 2));
      expect(await find('no such text')).toEqual([]);
      // Not across columns.
      expect(await find('vmware user')).toEqual([]);
    });

    it('takes %, _, backslashes and quotes literally', async () => {
      const store = await createStore();
      const details = ['100% sure', '1000 sure', 'a_b c', 'axb c', `it's "quoted"`, 'its quoted', 'back\\slash', 'back/slash'];
      await store.appendRecords(details.map((detail, i) => noted(i, { detail })));
      const find = async (q: string) => (await store.listRecords({ limit: 50, filter: { q } })).items.map(r => r.detail);
      expect(await find('0% s')).toEqual(['100% sure']);
      expect(await find('%')).toEqual(['100% sure']);
      expect(await find('a_b')).toEqual(['a_b c']);
      expect(await find('_')).toEqual(['a_b c']);
      expect(await find(`t's "q`)).toEqual([`it's "quoted"`]);
      expect(await find('"quoted"')).toEqual([`it's "quoted"`]);
      expect(await find("'")).toEqual([`it's "quoted"`]);
      expect(await find('k\\s')).toEqual(['back\\slash']);
      expect(await find('" OR "')).toEqual([]);
      expect(await find('quoted" OR "sure')).toEqual([]);
    });

    it('finds a rare id among many that share most of it, and a text every record has', async () => {
      const store = await createStore();
      await store.appendRecords(Array.from({ length: 120 }, (_, i) => noted(i)));
      expect(await allPages(store, { q: 'LIC-0004' }, 4)).toEqual(
        Array.from({ length: 10 }, (_, i) => `lic-${String(49 - i).padStart(5, '0')}`),
      );
      expect(await allPages(store, { q: 'lic-00117' })).toEqual(['lic-00117']);
      expect(await allPages(store, { q: 'lic-' }, 50)).toHaveLength(120);
      expect(await allPages(store, { q: 'DEFAULT/ADMIN' }, 50)).toHaveLength(120);
    });

    it('combines free text with filters and pages through it by opaque cursor', async () => {
      const store = await createStore();
      await store.appendRecords(Array.from({ length: 60 }, (_, i) => noted(i, i % 2 ? { type: 'base', item: 'standard' } : {})));
      const expected = (keep: (i: number) => boolean) =>
        Array.from({ length: 60 }, (_, i) => 59 - i)
          .filter(keep)
          .map(i => `lic-${String(i).padStart(5, '0')}`);
      expect(await allPages(store, { q: 'lic-0000', action: 'delete' })).toEqual(expected(i => i < 10 && i % 3 === 0));
      expect(await allPages(store, { q: 'ANDAR', type: 'base' }, 7)).toEqual(expected(i => i % 2 === 1));
      expect(await allPages(store, { q: 'lic-0003', type: 'base', action: 'upload' })).toEqual(['lic-00037', 'lic-00035', 'lic-00031']);
      expect(await allPages(store, { q: 'lic-00059', licenseId: 'lic-00059' })).toEqual(['lic-00059']);
      expect(await allPages(store, { q: 'lic-00059', licenseId: 'lic-00058' })).toEqual([]);
      // A cursor from a search pages the records without it too.
      const first = await store.listRecords({ limit: 2, filter: { q: 'lic-0005' } });
      const after = await store.listRecords({ limit: 2, cursor: first.nextCursor! });
      expect(after.items.map(r => r.licenseId)).toEqual(['lic-00057', 'lic-00056']);
    });

    it('keeps the search right when a record row is edited or removed', async () => {
      const knex = await databases.init(databaseId);
      const store = await KnexLicenseStore.fromKnex(knex);
      await store.appendRecords([noted(1, { detail: 'first words' }), noted(2, { detail: 'second words' })]);
      await knex('license_records').where({ license_id: 'lic-00001' }).update({ detail: 'edited words' });
      await knex('license_records').where({ license_id: 'lic-00002' }).delete();
      const find = async (q: string) => (await store.listRecords({ limit: 50, filter: { q } })).items.map(r => r.detail);
      expect(await find('first')).toEqual([]);
      expect(await find('edited')).toEqual(['edited words']);
      expect(await find('words')).toEqual(['edited words']);
      expect(await find('second')).toEqual([]);
    });

    it('reads a bounded window of records per page for a text shorter than 3 characters', async () => {
      const store = await createStore();
      const total = SHORT_SEARCH_WINDOW + 100;
      await store.appendRecords(
        Array.from({ length: total }, (_, i) => noted(i, i === 0 || i === total - 1 ? { detail: 'Zq' } : {})),
      );
      const first = await store.listRecords({ limit: 50, filter: { q: 'zQ' } });
      expect(first.items.map(r => r.licenseId)).toEqual([`lic-0${total - 1}`]);
      expect(first.nextCursor).not.toBeNull();
      const second = await store.listRecords({ limit: 50, cursor: first.nextCursor!, filter: { q: 'zQ' } });
      expect(second.items.map(r => r.licenseId)).toEqual(['lic-00000']);
      expect(second.nextCursor).toBeNull();
      // Dense matches fill pages as usual.
      const dense = await store.listRecords({ limit: 50, filter: { q: 'c-' } });
      expect(dense.items).toHaveLength(50);
      expect(dense.items[0].licenseId).toBe(`lic-0${total - 1}`);
    });

    it('refuses a cursor it did not write', async () => {
      const store = await createStore();
      await store.appendRecords([noted(1), noted(2)]);
      for (const cursor of ['2', 'xyz', Buffer.from('{"v":1,"seq":"2"}').toString('base64url')]) {
        await expect(store.listRecords({ limit: 1, cursor })).rejects.toBeInstanceOf(InvalidRecordCursorError);
      }
      const page = await store.listRecords({ limit: 1 });
      expect(page.nextCursor).toBe(encodeRecordCursor(Number(page.items[0].id)));
    });
  });

  it('keeps usage per metric and bumps the revision only when it changes', async () => {
    const store = await createStore();
    const rev = await store.getRevision();
    await store.setUsage('hosts', 3, T0, 'plugin:catalog');
    await store.setUsage('hosts', 3, T0 + 1, 'plugin:catalog');
    await store.setUsage('arm-hosts', 0, T0, 'plugin:catalog');
    expect(usageTotals(await store.getUsageReports())).toEqual({ hosts: 3, 'arm-hosts': 0 });
    expect(await store.getRevision()).toBe(rev + 2);
    await store.setUsage('hosts', 7, T0 + 2, 'plugin:catalog');
    expect(usageTotals(await store.getUsageReports())).toEqual({ hosts: 7, 'arm-hosts': 0 });
  });

  it('sums use over reporters, each reporter replacing only its own figure', async () => {
    const store = await createStore();
    await store.setUsage('hosts', 3, T0, 'provider:catalog');
    await store.setUsage('hosts', 10, T0, 'plugin:inventory-east');
    await store.setUsage('hosts', 5, T0, 'plugin:inventory-west');
    expect(usageTotals(await store.getUsageReports())).toEqual({ hosts: 18 });
    await store.setUsage('hosts', 1, T0 + 1, 'plugin:inventory-east');
    expect(usageTotals(await store.getUsageReports())).toEqual({ hosts: 9 });
    await store.setUsage('hosts', 0, T0 + 2, 'plugin:inventory-west');
    expect(usageTotals(await store.getUsageReports())).toEqual({ hosts: 4 });
  });

  it('never lowers the clock high-water mark', async () => {
    const store = await createStore();
    expect(await store.getHighWater()).toBe(0);
    expect(await store.raiseHighWater(T0 + 10 * DAY)).toBe(T0 + 10 * DAY);
    expect(await store.raiseHighWater(T0)).toBe(T0 + 10 * DAY);
    expect(await store.raiseHighWater(T0 + 11 * DAY)).toBe(T0 + 11 * DAY);
    expect(await store.getHighWater()).toBe(T0 + 11 * DAY);
  });

  it('resets the high-water mark only when told to, with its record, in one change', async () => {
    const store = await createStore();
    await store.raiseHighWater(T0 + 700 * DAY);
    const rev = await store.getRevision();
    const previous = await store.resetHighWater(T0, prev => [
      { time: T0, action: 'clock', actor: 'user:default/admin', detail: `reset from ${prev}` },
    ]);
    expect(previous).toBe(T0 + 700 * DAY);
    expect(await store.getHighWater()).toBe(T0);
    expect(await store.getRevision()).toBe(rev + 1);
    const { items } = await store.listRecords({ limit: 10, filter: { action: 'clock' } });
    expect(items).toEqual([expect.objectContaining({ action: 'clock', detail: `reset from ${T0 + 700 * DAY}` })]);
  });

  it('replaces a tampered row when an upload restores it, in the same change', async () => {
    const store = await createStore();
    await store.installLicenses([license('a', { token: 'forged' })], []);
    await store.installLicenses([license('a', { token: 'genuine' })], [record('upload', 'a')], { replace: ['a'] });
    const listed = await store.listLicenses();
    expect(listed.map(l => [l.id, l.token])).toEqual([['a', 'genuine']]);
  });

  it('reads a quota column that is not JSON as a value no token holds, instead of failing the load', async () => {
    const knex = await databases.init(databaseId);
    const store = await KnexLicenseStore.fromKnex(knex);
    await store.installLicenses([license('a')], []);
    await knex('license_licenses').where({ id: 'a' }).update({ quota: '{not json' });
    const [a] = await store.listLicenses();
    expect(Object.keys(a.quota)[0]).toMatch(/^unreadable/);
  });
});
