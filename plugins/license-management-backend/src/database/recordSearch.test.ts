import { TestDatabases, type TestDatabaseId } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import knexFactory from 'knex';
import { KnexLicenseStore } from './KnexLicenseStore';
import { containsPattern, ftsPhrase, RecordSearch, searchLength, textPieces } from './recordSearch';

jest.setTimeout(60_000);

describe('search text helpers', () => {
  it('makes LIKE patterns that take %, _ and \\ literally', () => {
    expect(containsPattern('100%_a\\b')).toBe('%100\\%\\_a\\\\b%');
    expect(containsPattern("it's")).toBe("%it's%");
  });

  it('makes FTS5 phrases whose quotes are plain characters', () => {
    expect(ftsPhrase('say "hi" OR x')).toBe('"say ""hi"" OR x"');
    expect(ftsPhrase('a*b NEAR(c)')).toBe('"a*b NEAR(c)"');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(searchLength('ab')).toBe(2);
    expect(searchLength('a😀')).toBe(2);
    expect(searchLength('äöü')).toBe(3);
  });

  it('cuts a text into the word pieces pg_trgm pads, each contained in it', () => {
    expect(textPieces('lic-99999')).toEqual(['lic-', '-99999']);
    expect(textPieces('user:default/admin')).toEqual(['user:', ':default/', '/admin']);
    expect(textPieces('admin')).toEqual(['admin']);
    // "a-" has no trigram: pg_trgm pads a word end with one blank only.
    expect(textPieces('a-b')).toEqual(['-b']);
    expect(textPieces('100%_x')).toEqual(['100%', '_x']);
    // A non-ASCII neighbour may be a letter to pg_trgm: no padding assumed, no context kept.
    expect(textPieces('éabc')).toEqual(['abc']);
    expect(textPieces('😀ab')).toEqual([]);
    expect(textPieces('---')).toEqual([]);
    for (const text of ['lic-99999', 'user:default/admin', 'a-b', '100%_x', 'éabc']) {
      for (const piece of textPieces(text)) expect(text).toContain(piece);
    }
  });
});

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const directory = resolvePackagePath('@backstage-licensing/plugin-license-management-backend', 'migrations');

describe.each(databases.eachSupportedId())('records text index on %p', (databaseId: TestDatabaseId) => {
  const expected = databaseId === 'SQLITE_3' ? 'fts5' : 'pg_trgm';

  it('is there after the migrations, and made again at start when it is missing', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory });
    expect((await RecordSearch.open(knex)).index).toBe(expected);
    await knex.migrate.down({ directory, name: '20261206000000_records_search.js' });
    const logger = { info: jest.fn(), warn: jest.fn() };
    expect((await RecordSearch.open(knex, logger as any)).index).toBe(expected);
    expect(logger.warn).not.toHaveBeenCalled();
    expect(logger.info).toHaveBeenCalledWith(expect.stringContaining(`created the ${expected} text index`));
  });

  it('prefers the rare pieces of a text, and looks the whole text up when none is rare', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory });
    await knex('license_records').insert(
      Array.from({ length: 200 }, (_, i) => ({
        time: i,
        action: 'upload',
        license_id: `lic-${1000 + i}`,
        quota: '{}',
        actor: 'user:default/admin',
      })),
    );
    const search = await RecordSearch.open(knex);
    const plan = await search.piecesByColumn('lic-1012');
    expect(plan.license_id).toEqual(['-1012']);
    expect(plan.actor).toEqual(['-1012', 'lic-']);
    expect((await search.piecesByColumn('admin')).actor).toEqual([]);
  });

  it('falls back to reading the records, with a warning, when pg_trgm cannot be created', async () => {
    const base = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
    if (databaseId !== 'POSTGRES_15' || !base) return;
    const admin = await databases.init(databaseId);
    const { rows } = await admin.raw('SELECT current_database() AS name');
    // A role that may create tables but not extensions (no CREATE on the database).
    const role = `lm_no_ext_${process.pid}`;
    await admin.raw(`DROP ROLE IF EXISTS ${role}`);
    await admin.raw(`CREATE ROLE ${role} LOGIN`);
    await admin.raw(`GRANT CREATE ON SCHEMA public TO ${role}`);
    const url = new URL(base);
    url.username = role;
    url.pathname = `/${rows[0].name}`;
    const knex = knexFactory({ client: 'pg', connection: url.toString() });
    try {
      await knex.migrate.latest({ directory });
      const logger = { info: jest.fn(), warn: jest.fn() };
      expect((await RecordSearch.open(knex, logger as any)).index).toBe('none');
      expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/CREATE EXTENSION pg_trgm failed.*scans the records/));
      const store = await KnexLicenseStore.fromKnex(knex);
      await store.appendRecords([
        { time: 1, action: 'upload', licenseId: 'lic-1', actor: 'user:default/admin' },
        { time: 2, action: 'upload', licenseId: 'lic-2', actor: 'user:default/admin', detail: '100% Sure' },
      ]);
      const find = async (q: string) => (await store.listRecords({ limit: 10, filter: { q } })).items.map(r => r.licenseId);
      expect(await find('LIC-1')).toEqual(['lic-1']);
      expect(await find('0% s')).toEqual(['lic-2']);
      expect(await find('admin')).toEqual(['lic-2', 'lic-1']);
      expect(await find('zz-not-there')).toEqual([]);
    } finally {
      await knex.destroy();
      await admin.raw(`DROP OWNED BY ${role}`);
      await admin.raw(`DROP ROLE ${role}`);
    }
  });
});
