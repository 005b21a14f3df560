/**
 * GET /records paging over 1,000,000 records, on SQLite and on PostgreSQL.
 *
 * Method: a backend (backend-defaults) in this process with the License
 * Management plugin starts once to run the migrations and stops; 1,000,000
 * records are then written straight into license_records with one SQL
 * statement (a recursive CTE on SQLite, generate_series on PostgreSQL; six
 * actions, two types, 20 items, four states, one actor), ANALYZEd, and the
 * backend starts again. The migrations include the text index of free-text
 * search (FTS5 trigram table and its triggers on SQLite, pg_trgm GIN indexes
 * on PostgreSQL), so the fill writes it as record inserts do. Each query is a
 * GET /records over 127.0.0.1 with a service token, timed by the client
 * (round trip: an upper bound of the server time); REPEAT times after 3
 * warm-up calls; median and p95. Deep pages start from a cursor the
 * benchmark makes with the server's own encoder (cursors are opaque to
 * clients, which get them from nextCursor). The SQLite file lives in a
 * throwaway directory and the PostgreSQL database is a throwaway one; both
 * are removed at the end.
 *
 * Run: npm --workspace test run bench:records
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { encodeRecordCursor } from '@backstage-licensing/plugin-license-management-backend/src/database/recordCursor';
import { startInProcessBackend } from './lib/backend';
import { createVendor } from './lib/licenses';
import { printMachine } from './lib/machine';
import { fmt, log, median, msSince, percentile, section, table } from './lib/stats';
import { dropDatabases } from './upload';

const ROWS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 30);
const PG = process.env.BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';
const T0 = Date.UTC(2020, 0, 1);

const SQLITE_FILL = `
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${ROWS})
INSERT INTO license_records (time, action, license_id, license_type, item, method, quota, state, issued_at, expires_at, actor, detail)
SELECT ${T0} + n * 60000,
  CASE n % 6 WHEN 0 THEN 'upload' WHEN 1 THEN 'replace' WHEN 2 THEN 'delete' WHEN 3 THEN 'expire' WHEN 4 THEN 'reload' ELSE 'lease' END,
  'lic-' || n,
  CASE n % 5 WHEN 0 THEN 'base' ELSE 'plus' END,
  'item-' || (n % 20),
  'request-key',
  '{"hosts":100}',
  CASE n % 4 WHEN 0 THEN 'valid' WHEN 1 THEN 'superseded' WHEN 2 THEN 'pending' ELSE 'expired' END,
  ${T0} + n * 60000 - 86400000,
  ${T0} + n * 60000 + 31536000000,
  'user:default/admin',
  NULL
FROM g`;

const PG_FILL = `
INSERT INTO license_records (time, action, license_id, license_type, item, method, quota, state, issued_at, expires_at, actor, detail)
SELECT ${T0}::bigint + n * 60000,
  (ARRAY['upload','replace','delete','expire','reload','lease'])[n % 6 + 1],
  'lic-' || n,
  CASE n % 5 WHEN 0 THEN 'base' ELSE 'plus' END,
  'item-' || (n % 20),
  'request-key',
  '{"hosts":100}',
  (ARRAY['valid','superseded','pending','expired'])[n % 4 + 1],
  ${T0}::bigint + n * 60000 - 86400000,
  ${T0}::bigint + n * 60000 + 31536000000,
  'user:default/admin',
  NULL
FROM generate_series(1::bigint, ${ROWS}::bigint) AS n`;

/** The pages asked for: [label, query string]. The newest record is ROWS; `below(n)` is the cursor of the records older than n. */
function queries(): Array<[string, string]> {
  const mid = Math.floor(ROWS / 2);
  const below = (seq: number) => `cursor=${encodeRecordCursor(seq)}`;
  return [
    ['first page', 'limit=50'],
    ['deep page, middle (below record 500,001)', `limit=50&${below(mid + 1)}`],
    ['deep page, the last one (below record 51)', `limit=50&${below(51)}`],
    ['first page, action=delete', 'limit=50&action=delete'],
    ['deep page, action=delete (middle)', `limit=50&action=delete&${below(mid + 1)}`],
    ['first page, type=base + state=valid', 'limit=50&type=base&state=valid'],
    ['deep page, item=item-7 (middle)', `limit=50&item=item-7&${below(mid + 1)}`],
    ['licenseId=lic-123457 (one record)', 'limit=50&licenseId=lic-123457'],
    ['page of 200, middle', `limit=200&${below(mid + 1)}`],
    ['free text q=admin (matches every record)', 'limit=50&q=admin'],
    ['free text q=admin, deep page (middle)', `limit=50&q=admin&${below(mid + 1)}`],
    ['free text q=admin, the last page', `limit=50&q=admin&${below(51)}`],
    ['free text q=lic-99999 (matches 11 records)', 'limit=50&q=lic-99999'],
    ['free text q=lic-99999, deep page (middle; 1 record)', `limit=50&q=lic-99999&${below(mid + 1)}`],
    ['free text q=LIC-123456 (one record, other case)', 'limit=50&q=LIC-123456'],
    ['free text q=lic-4242, deep page (middle; 111 records below)', `limit=50&q=lic-4242&${below(mid + 1)}`],
    ['free text q=item-7 (5% of records), deep page (middle)', `limit=50&q=item-7&${below(mid + 1)}`],
    ['free text q=lic-12345 + type=base (3 records)', 'limit=50&q=lic-12345&type=base'],
    ['free text q=no-such-text (no record)', 'limit=50&q=no-such-text'],
    ['free text of 2 characters q=ad (bounded read, dense)', 'limit=50&q=ad'],
    ['free text of 2 characters q=zz (bounded read, no record)', 'limit=50&q=zz'],
  ];
}

/** Pages walked by nextCursor, as a client pages: [label, first query]. */
function walks(): Array<[string, string]> {
  return [
    ['20 consecutive pages by nextCursor from the middle (per page)', `limit=50&cursor=${encodeRecordCursor(Math.floor(ROWS / 2) + 1)}`],
    ['20 consecutive pages by nextCursor, q=lic-12 (11,111 records; per page)', 'limit=50&q=lic-12'],
  ];
}

async function run(name: string, database: Record<string, unknown>, connect: () => Knex, fill: string) {
  const vendor = createVendor();
  // 1. Migrate.
  await (await startInProcessBackend({ database, vendorPublicKeyPem: vendor.publicKeyPem })).stop();
  // 2. Fill.
  const db = connect();
  try {
    const start = process.hrtime.bigint();
    await db.raw(fill);
    await db.raw('ANALYZE');
    const [{ n }] = await db('license_records').count({ n: '*' });
    log(`  ${name}: ${fmt(Number(n))} records written in ${fmt(msSince(start) / 1000, 1)} s; ${await sizes(db)}`);
  } finally {
    await db.destroy();
  }
  // 3. Page.
  const backend = await startInProcessBackend({ database, vendorPublicKeyPem: vendor.publicKeyPem });
  const rows: Array<Array<string | number>> = [];
  try {
    for (const [label, query] of queries()) {
      const times: number[] = [];
      let items = 0;
      for (let i = -3; i < REPEAT; i++) {
        const start = process.hrtime.bigint();
        const res = await backend.api(`/records?${query}`);
        const body = (await res.json()) as { items: unknown[] };
        const ms = msSince(start);
        if (res.status !== 200) throw new Error(`${query}: ${res.status} ${JSON.stringify(body)}`);
        items = body.items.length;
        if (i >= 0) times.push(ms);
      }
      rows.push([name, label, items, fmt(median(times), 1), fmt(percentile(times, 95), 1)]);
    }
    for (const [label, query] of walks()) {
      const walk: number[] = [];
      let items = 0;
      let next = query;
      for (let i = 0; i < 20 && next; i++) {
        const start = process.hrtime.bigint();
        const res = await backend.api(`/records?${next}`);
        const page = (await res.json()) as { items: unknown[]; nextCursor: string | null };
        walk.push(msSince(start));
        if (res.status !== 200) throw new Error(`${next}: ${res.status} ${JSON.stringify(page)}`);
        items += page.items.length;
        next = page.nextCursor ? `${query.replace(/&?cursor=[^&]*/, '')}&cursor=${page.nextCursor}` : '';
      }
      rows.push([name, label, items / walk.length, fmt(median(walk), 1), fmt(percentile(walk, 95), 1)]);
    }
  } finally {
    await backend.stop();
  }
  return rows;
}

/** The space the records and their text index take. */
async function sizes(db: Knex): Promise<string> {
  const mb = (bytes: unknown) => `${fmt(Number(bytes) / 2 ** 20, 0)} MiB`;
  if (db.client.config.client === 'pg') {
    const { rows } = await db.raw(
      `SELECT pg_total_relation_size('license_records') AS total,
        (SELECT coalesce(sum(pg_relation_size(indexrelid)), 0) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
          WHERE i.indrelid = 'license_records'::regclass AND c.relname LIKE '%_trgm_idx') AS text_index`,
    );
    return `records with indexes ${mb(rows[0].total)}, of which the trigram indexes ${mb(rows[0].text_index)}`;
  }
  const [{ size }] = await db.raw('SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()');
  const [{ fts }] = await db.raw("SELECT coalesce(sum(pgsize), 0) AS fts FROM dbstat WHERE name LIKE 'license_records_search%'");
  return `database file ${mb(size)}, of which the FTS5 trigram table ${mb(fts)}`;
}

async function main() {
  section(`GET /records over ${fmt(ROWS)} records — machine`);
  printMachine();
  const rows: Array<Array<string | number>> = [];
  const dir = await mkdtemp(join(tmpdir(), 'lm-bench-records-'));
  try {
    rows.push(
      ...(await run(
        'SQLite',
        { client: 'better-sqlite3', connection: { directory: dir } },
        () => knexFactory({ client: 'better-sqlite3', connection: { filename: join(dir, 'license-management.sqlite') }, useNullAsDefault: true }),
        SQLITE_FILL,
      )),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const prefix = `lm_bench_records_${process.pid}_`;
  try {
    rows.push(
      ...(await run(
        'PostgreSQL',
        { client: 'pg', connection: PG, prefix },
        () => knexFactory({ client: 'pg', connection: `${PG}/${prefix}license-management` }),
        PG_FILL,
      )),
    );
  } finally {
    await dropDatabases(prefix);
  }
  section(`GET /records over ${fmt(ROWS)} records — ${REPEAT} calls per query after 3 warm-up calls; HTTP round trip, ms`);
  table(['database', 'query', 'items', 'median ms', 'p95 ms'], rows);
}

main().then(
  () => process.exit(0),
  e => {
    // eslint-disable-next-line no-console
    console.error(e);
    process.exit(1);
  },
);
