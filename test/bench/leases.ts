/**
 * Lease renewals: 1,000 simulated client sites renewing their leases against
 * two license server replicas on one PostgreSQL database.
 *
 * Method: two backends (backend-defaults with the License Management plugin,
 * licenseManagement.sharing enabled, leaseTtl 60 s), each in its own child
 * process (this file, run with LEASE_BENCH_REPLICA), on one throwaway
 * PostgreSQL database on 127.0.0.1. This process is the load generator and
 * the auditor. A Base license authorizes POOL hosts (2.05 per site); SITES
 * sites are registered and each takes a lease of 1, 2 or 3 hosts (about 2
 * per site: they fit, 5 % is left). Then CONNECTIONS keep-alive
 * connections (half to each replica) send PUT /sharing/lease in a closed
 * loop for DURATION s, site after site: a renewal with the site's current
 * terms, except one request in CHANGE_EVERY that asks for a new amount
 * (a change: the locked path, granted or refused with 409). Latency is the
 * client's round trip. Meanwhile the auditor reads the leases straight from
 * the database every 100 ms and counts every reading whose sum exceeds the
 * pool (an over-allocation), and the sum of what the sites were last told
 * they hold is compared with the database at the end. The same run is then
 * repeated with every request sent to one replica, for the scaling.
 *
 * Run: npm --workspace test run bench:leases
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import knexFactory, { type Knex } from 'knex';
import { BENCH_TOKEN, startInProcessBackend } from './lib/backend';
import { createVendor, signLicense } from './lib/licenses';
import { printMachine } from './lib/machine';
import { fmt, log, percentile, section, table } from './lib/stats';
import { dropDatabases } from './upload';

const SITES = Number(process.env.BENCH_SITES ?? 1000);
const DURATION = Number(process.env.BENCH_DURATION ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const CHANGE_EVERY = Number(process.env.BENCH_CHANGE_EVERY ?? 100);
/** How often the auditor reads the leases from the database. */
const AUDIT_MS = Number(process.env.BENCH_AUDIT_MS ?? 100);
// The first leases (1, 2, 3, 1, … hosts: about 2 per site) fit, with 5 % to spare; changes then compete for it.
const POOL = Math.ceil(SITES * 2.05);
const PG = process.env.BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';
const API = '/api/license-management';
/** The throwaway databases' names start with this. */
const PREFIX = `lm_bench_leases_${process.pid}_`;

interface Site {
  id: string;
  credential: string;
  /** What the server last said the site holds (0: no lease). */
  hosts: number;
}

/** A child process: one license server replica. Prints READY <url>. */
async function replica() {
  const { database, vendorPublicKeyPem } = JSON.parse(process.env.LEASE_BENCH_REPLICA!);
  const backend = await startInProcessBackend({
    database,
    vendorPublicKeyPem,
    licenseManagement: { syncIntervalMs: 2000, sharing: { enabled: true, leaseTtl: { seconds: 60 } } },
  });
  process.stdout.write(`READY ${backend.url}\n`);
  process.on('SIGTERM', () => {
    backend.stop().finally(() => process.exit(0));
  });
}

async function startReplica(env: string): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  // BENCH_PROFILE=DIR: each replica writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, ...process.execArgv, __filename], {
    env: { ...process.env, LEASE_BENCH_REPLICA: env, LOG_LEVEL: 'warn', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const kill = () => child.exitCode === null && child.kill('SIGKILL');
  process.on('exit', kill);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', code => reject(new Error(`replica exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await new Promise(r => {
        const t = setTimeout(() => {
          kill();
          r(undefined);
        }, 15_000);
        child.on('exit', () => {
          clearTimeout(t);
          r(undefined);
        });
      });
    },
  };
}

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** CPU time (user + system) of a process so far, ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

/**
 * CPU time so far, ms, of the PostgreSQL backends connected to this
 * benchmark's databases (their process title names the database); the
 * server's shared background processes (WAL writer, checkpointer,
 * autovacuum), which other users of the server share, are not counted.
 */
function postgresCpuMs(prefix: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter(d => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(prefix)) total += cpuMs(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** CPU time of this process (the load generator and the auditor) so far, ms. */
const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

/** One HTTP request over the keep-alive agent: status, body and the round trip in ms. */
function call(base: string, method: string, path: string, auth: string, body?: unknown) {
  const url = new URL(`${base}${API}${path}`);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const start = process.hrtime.bigint();
  return new Promise<{ status: number; body: any; ms: number }>((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        headers: {
          authorization: auth,
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({
            status: res.statusCode!,
            body: text && res.headers['content-type']?.includes('json') ? JSON.parse(text) : text,
            ms: Number(process.hrtime.bigint() - start) / 1e6,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Runs `fn` over `items`, `parallel` at a time. */
async function pool<T>(items: T[], parallel: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

/** The sum of the leases in the database (live or not yet ended: an upper bound). */
async function leasedInDatabase(db: Knex): Promise<number> {
  const rows = await db('license_sharing_sites').whereNull('revoked_at').whereNotNull('lease_quota').select('lease_quota');
  return rows.reduce((sum: number, r: { lease_quota: string }) => sum + (JSON.parse(r.lease_quota).hosts ?? 0), 0);
}

async function measure(name: string, targets: string[], sites: Site[], db: Knex, pids: number[], seconds = DURATION) {
  const latencies: number[] = [];
  const changeLatencies: number[] = [];
  const counts = { renewals: 0, changesGranted: 0, changesRefused: 0, errors: 0 };
  let overAllocations = 0;
  let readings = 0;
  let maxLeased = 0;
  let running = true;
  const auditor = (async () => {
    while (running) {
      const leased = await leasedInDatabase(db);
      readings++;
      maxLeased = Math.max(maxLeased, leased);
      if (leased > POOL) overAllocations++;
      await new Promise(r => setTimeout(r, AUDIT_MS));
    }
  })();
  const cpuBefore = pids.map(cpuMs);
  const pgBefore = postgresCpuMs(PREFIX);
  const selfBefore = selfCpuMs();
  let n = 0;
  const start = Date.now();
  const until = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, worker) => {
      while (Date.now() < until) {
        const i = n++;
        const site = sites[i % sites.length];
        const target = targets[worker % targets.length];
        const change = i % CHANGE_EVERY === CHANGE_EVERY - 1 || site.hosts === 0;
        const hosts = change ? 1 + ((site.hosts + (i % 3)) % 3) : site.hosts;
        const res = await call(target, 'PUT', '/sharing/lease', `Bearer ${site.credential}`, { quota: { hosts } });
        latencies.push(res.ms);
        if (change) changeLatencies.push(res.ms);
        if (res.status === 200) {
          site.hosts = res.body.quota.hosts;
          if (change) counts.changesGranted++;
          else counts.renewals++;
        } else if (res.status === 409 && change) {
          counts.changesRefused++;
        } else {
          counts.errors++;
          if (counts.errors < 5) log(`  unexpected ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
        }
      }
    }),
  );
  const elapsed = (Date.now() - start) / 1000;
  const cpu = pids.map((pid, k) => cpuMs(pid) - cpuBefore[k]);
  const pgCpu = postgresCpuMs(PREFIX) - pgBefore;
  const selfCpu = selfCpuMs() - selfBefore;
  running = false;
  await auditor;
  const told = sites.reduce((s, x) => s + x.hosts, 0);
  const inDb = await leasedInDatabase(db);
  const total = latencies.length;
  log(
    `  ${name}: ${fmt(total / elapsed)} requests/s (${fmt(counts.renewals / elapsed)} unchanged renewals/s), p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms; ` +
      `changes ${counts.changesGranted} granted / ${counts.changesRefused} refused, p50 ${percentile(changeLatencies, 50)?.toFixed(1)} ms; ` +
      `over-allocations ${overAllocations} of ${readings} readings, max leased ${maxLeased} / ${POOL}; told ${told}, database ${inDb}; errors ${counts.errors}`,
  );
  return {
    row: [
      name,
      fmt(total / elapsed),
      fmt(counts.renewals / elapsed),
      `${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 99).toFixed(1)}`,
      `${counts.changesGranted} / ${counts.changesRefused}`,
      `${percentile(changeLatencies, 50).toFixed(1)} / ${percentile(changeLatencies, 99).toFixed(1)}`,
      `${overAllocations} (${readings} readings)`,
      `${maxLeased} / ${POOL}`,
      told === inDb ? 'yes' : `no: ${told} vs ${inDb}`,
      cpu.map(c => fmt((c * 1000) / total)).join(' + '),
      fmt((pgCpu * 1000) / total),
      fmt((selfCpu * 1000) / total),
      `${fmt((cpu.reduce((x, y) => x + y, 0) + pgCpu + selfCpu) / 10 / elapsed)} %`,
      // What the 2 CPUs would sustain if this run had them to itself: 2 CPU-seconds per second over the CPU a request costs.
      fmt((2e6 * total) / ((cpu.reduce((x, y) => x + y, 0) + pgCpu + selfCpu) * 1000)),
      loadavg(),
      counts.errors,
    ],
    overAllocations: overAllocations + (told > POOL ? 1 : 0),
    errors: counts.errors,
  };
}

async function main() {
  section('Lease renewals: 1,000 client sites, two license server replicas, one PostgreSQL — machine');
  printMachine();
  log(`- load average at start: ${loadavg()}`);
  const prefix = PREFIX;
  const vendor = createVendor('bench-vendor');
  const env = JSON.stringify({ database: { client: 'pg', connection: PG, prefix }, vendorPublicKeyPem: vendor.publicKeyPem });
  const replicas: Array<Awaited<ReturnType<typeof startReplica>>> = [];
  let db: Knex | undefined;
  const results = [];
  try {
    replicas.push(await startReplica(env));
    replicas.push(await startReplica(env));
    const [a, b] = replicas.map(r => r.url);
    const admin = `Bearer ${BENCH_TOKEN}`;
    const { keyId } = (await call(a, 'GET', '/key-id', admin)).body;
    const base = await signLicense(vendor, keyId, { type: 'base', item: 'enterprise-prepaid', quota: { hosts: POOL } });
    const up = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${a}${API}/licenses`, { method: 'POST', headers: { authorization: admin, 'content-type': 'text/plain' } }, res => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end(base);
    });
    if (up !== 201) throw new Error(`upload: ${up}`);
    if ((await call(b, 'POST', '/reload', admin)).status !== 200) throw new Error('reload on B failed');

    const admin2 = knexFactory({ client: 'pg', connection: PG });
    const { rows } = await admin2.raw('SELECT datname FROM pg_database WHERE datname LIKE ?', [`${prefix}%license%`]);
    await admin2.destroy();
    db = knexFactory({ client: 'pg', connection: `${PG}/${rows[0].datname}`, pool: { min: 1, max: 2 } });

    log(`\nregistering ${SITES} sites and taking their first leases (pool: ${POOL} hosts)…`);
    const sites: Site[] = [];
    await pool(Array.from({ length: SITES }, (_, i) => i), 16, async (_, i) => {
      const res = await call(a, 'POST', '/sharing/sites', admin, { name: `site-${i}` });
      if (res.status !== 201) throw new Error(`add-site: ${res.status} ${JSON.stringify(res.body)}`);
      sites[i] = { id: res.body.id, credential: res.body.credential, hosts: 0 };
    });
    let refused = 0;
    await pool(sites, 32, async (site, i) => {
      const res = await call(i % 2 ? b : a, 'PUT', '/sharing/lease', `Bearer ${site.credential}`, { quota: { hosts: 1 + (i % 3) } });
      if (res.status === 200) site.hosts = res.body.quota.hosts;
      else if (res.status === 409) refused++;
      else throw new Error(`lease: ${res.status} ${JSON.stringify(res.body)}`);
    });
    log(`  ${sites.filter(s => s.hosts > 0).length} leases granted, ${refused} refused; ${await leasedInDatabase(db)} hosts leased`);

    const pids = replicas.map(r => r.pid);
    log('\nwarm-up (5 s)…');
    await measure('warm-up', [a, b], sites, db, pids, 5);
    log(`\nmeasured runs (${DURATION} s each)…`);
    results.push(await measure('2 replicas (requests split evenly)', [a, b], sites, db, pids));
    results.push(await measure('1 replica (every request to A)', [a], sites, db, pids));
    results.push(await measure('2 replicas, again', [a, b], sites, db, pids));
  } finally {
    await db?.destroy();
    for (const r of replicas) await r.stop();
    agent.destroy();
    await dropDatabases(prefix);
  }

  section(
    `Lease renewals — ${SITES} sites, ${CONNECTIONS} connections, ${DURATION} s per run, one change in ${CHANGE_EVERY}; latency ms p50 / p99`,
  );
  table(
    [
      'run',
      'requests/s',
      'unchanged renewals/s',
      'latency',
      'changes granted / refused',
      'change latency',
      'over-allocations',
      'max leased / pool',
      'sites told = database',
      'server µs CPU/request (A + B)',
      'PostgreSQL backends µs CPU/request',
      'load generator µs CPU/request',
      'CPU used (of 200 %)',
      'requests/s at 200 % CPU (derived)',
      'load average after',
      'errors',
    ],
    results.map(r => r.row),
  );
  const over = results.reduce((s, r) => s + r.overAllocations, 0);
  const errors = results.reduce((s, r) => s + r.errors, 0);
  log(`\nover-allocation count: ${over}${over ? ' — FAILED' : ''}; errors: ${errors}`);
  if (over || errors) process.exitCode = 1;
}


if (require.main === module) {
  (process.env.LEASE_BENCH_REPLICA ? replica() : main()).then(
    () => {
      if (!process.env.LEASE_BENCH_REPLICA) process.exit(process.exitCode ?? 0);
    },
    e => {
      // eslint-disable-next-line no-console
      console.error(e);
      process.exit(1);
    },
  );
}
