/**
 * Upload of one Base + 20 Plus licenses in one text file.
 *
 * Method: a backend (backend-defaults) in this process with the License
 * Management plugin, on SQLite (a throwaway directory) and on PostgreSQL (a
 * throwaway database, dropped afterwards). Each upload is a new file (new
 * license ids) POSTed to /licenses with a service token over 127.0.0.1; the
 * time is the HTTP round trip measured by the client, which bounds the server
 * time from above. The installation keeps every earlier upload (each replaces
 * the previous Base and Plus licenses), so later uploads evaluate more
 * licenses: UPLOADS uploads after one warm-up; median, p90 and max reported.
 * Signing the tokens happens before the clock starts.
 *
 * Run: npm --workspace test run bench:upload
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { startInProcessBackend } from './lib/backend';
import { basePlus20, createVendor } from './lib/licenses';
import { printMachine } from './lib/machine';
import { fmt, log, median, msSince, percentile, section, table } from './lib/stats';

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 15);
const PG = process.env.BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';

async function bench(name: string, database: Record<string, unknown>) {
  const vendor = createVendor();
  const backend = await startInProcessBackend({ database, vendorPublicKeyPem: vendor.publicKeyPem });
  try {
    const { keyId } = (await (await backend.api('/key-id')).json()) as { keyId: string };
    const files: string[] = [];
    for (let i = 0; i <= UPLOADS; i++) files.push(await basePlus20(vendor, keyId));
    const times: number[] = [];
    for (const [i, file] of files.entries()) {
      const start = process.hrtime.bigint();
      const res = await backend.api('/licenses', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: file });
      const body = (await res.json()) as { installed: unknown[] };
      const ms = msSince(start);
      if (res.status !== 201 || body.installed.length !== 21) throw new Error(`upload ${i}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      if (i > 0) times.push(ms); // upload 0 is the warm-up
    }
    const licenses = ((await (await backend.api('/licenses')).json()) as unknown[]).length;
    log(`  ${name}: ${times.map(t => t.toFixed(1)).join(', ')} ms`);
    return [name, fmt(median(times), 1), fmt(percentile(times, 90), 1), fmt(Math.max(...times), 1), fmt(Math.min(...times), 1), licenses];
  } finally {
    await backend.stop();
  }
}

async function main() {
  section('Upload of 1 Base + 20 Plus — machine');
  printMachine();
  const rows: Array<Array<string | number>> = [];
  const dir = await mkdtemp(join(tmpdir(), 'lm-bench-upload-'));
  try {
    rows.push(await bench('SQLite (better-sqlite3, file)', { client: 'better-sqlite3', connection: { directory: dir } }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const prefix = `lm_bench_upload_${process.pid}_`;
  try {
    rows.push(await bench('PostgreSQL 15 (127.0.0.1)', { client: 'pg', connection: PG, prefix }));
  } finally {
    await dropDatabases(prefix);
  }
  section(`Upload of 1 Base + 20 Plus (21 tokens, ~${fmt(21 * 0.6, 0)} KB) — ${UPLOADS} uploads after one warm-up, ms`);
  table(['database', 'median', 'p90', 'max', 'min', 'licenses installed at the end'], rows);
}

/** Drops the throwaway databases this benchmark created. */
export async function dropDatabases(prefix: string) {
  const admin = knexFactory({ client: 'pg', connection: PG });
  try {
    const { rows } = await admin.raw('SELECT datname FROM pg_database WHERE datname LIKE ?', [`${prefix}%`]);
    for (const { datname } of rows) await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
  } finally {
    await admin.destroy();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    e => {
      // eslint-disable-next-line no-console
      console.error(e);
      process.exit(1);
    },
  );
}
