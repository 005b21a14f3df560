/**
 * HTTP POST /check against an authenticated no-op route (GET /ping) of the
 * same backend, with the same load generator in the same run.
 *
 * Method: the portal backend as shipped (packages/backend: auth, permission
 * backend + license admin policy, catalog, License Management; SQLite) runs
 * as a child process in production mode (NODE_ENV=production, LOG_LEVEL=warn,
 * so the per-request log line is not what is measured) on 127.0.0.1.
 * A Base + 20 Plus licenses are installed. autocannon runs in this process:
 * CONNECTIONS connections for DURATION s per measurement, RUNS runs; each run
 * measures both routes back to back (alternating which goes first); the
 * ratio is computed per run and the median of the ratios is reported, with
 * the median req/s of each route.
 *
 * Scenarios:
 *  - user token (guest sign-in; the license.read decision comes from the
 *    permission backend, reused for readPermissionCacheSeconds = 10 s)
 *  - service token (static external-access token; service principals are
 *    judged locally by the permissions service)
 *  - user token with readPermissionCacheSeconds: 0 (every /check asks the
 *    permission backend over HTTP): what the cache is for.
 *
 * Run: npm --workspace test run bench:http
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { basePlus20, createVendor } from './lib/licenses';
import { printMachine } from './lib/machine';
import { guestToken, PORTAL_TOKEN, startPortal, type Portal } from './lib/portal';
import { fmt, log, median, section, table } from './lib/stats';

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const CHECK_BODY = JSON.stringify({ feature: 'vmware', metric: 'vmware-cpus', amount: 1 });

const TICKS_PER_SECOND = 100;

/** CPU time (user + system) the portal process has used so far, in ms (Linux /proc). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

async function load(portal: Portal, token: string, route: 'ping' | 'check', duration = DURATION) {
  const cpuBefore = cpuMs(portal.pid);
  const result = await autocannon({
    url: `${portal.url}/api/license-management/${route}`,
    connections: CONNECTIONS,
    duration,
    ...(route === 'check'
      ? { method: 'POST', body: CHECK_BODY, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }
      : { method: 'GET', headers: { authorization: `Bearer ${token}` } }),
  });
  if (result.errors || result.timeouts || result.non2xx) {
    throw new Error(`${route}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx responses`);
  }
  // Server CPU per request: what a route costs the backend, whoever limits the throughput.
  const cpuUs = ((cpuMs(portal.pid) - cpuBefore) * 1000) / result['2xx'];
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, cpuUs };
}

async function scenario(name: string, portal: Portal, token: string, runs: number) {
  // Warm-up: JIT, connection pools, the decision cache.
  await load(portal, token, 'ping', 3);
  await load(portal, token, 'check', 3);
  const rows: Array<Array<string | number>> = [];
  const ratios: number[] = [];
  const pings: number[] = [];
  const checks: number[] = [];
  const cpuRatios: number[] = [];
  const cpuPings: number[] = [];
  const cpuChecks: number[] = [];
  for (let run = 0; run < runs; run++) {
    const order: Array<'ping' | 'check'> = run % 2 === 0 ? ['ping', 'check'] : ['check', 'ping'];
    const r: Record<string, Awaited<ReturnType<typeof load>>> = {};
    for (const route of order) r[route] = await load(portal, token, route);
    const ratio = r.check.rps / r.ping.rps;
    ratios.push(ratio);
    pings.push(r.ping.rps);
    checks.push(r.check.rps);
    const cpuRatio = r.ping.cpuUs / r.check.cpuUs;
    cpuRatios.push(cpuRatio);
    cpuPings.push(r.ping.cpuUs);
    cpuChecks.push(r.check.cpuUs);
    rows.push([
      run + 1,
      order.join(' then '),
      fmt(r.ping.rps),
      `${r.ping.p50} / ${r.ping.p99}`,
      fmt(r.ping.cpuUs),
      fmt(r.check.rps),
      `${r.check.p50} / ${r.check.p99}`,
      fmt(r.check.cpuUs),
      ratio.toFixed(2),
      cpuRatio.toFixed(2),
    ]);
    log(
      `  ${name} run ${run + 1}: ping ${fmt(r.ping.rps)} req/s (${fmt(r.ping.cpuUs)} µs CPU), check ${fmt(r.check.rps)} req/s (${fmt(r.check.cpuUs)} µs CPU), ratio ${ratio.toFixed(2)}, CPU ratio ${cpuRatio.toFixed(2)}; load ${loadavg()}`,
    );
  }
  rows.push([
    'median',
    '',
    fmt(median(pings)),
    '',
    fmt(median(cpuPings)),
    fmt(median(checks)),
    '',
    fmt(median(cpuChecks)),
    median(ratios).toFixed(2),
    median(cpuRatios).toFixed(2),
  ]);
  return {
    name,
    rows,
    ratio: median(ratios),
    ping: median(pings),
    check: median(checks),
    cpuRatio: median(cpuRatios),
    cpuPing: median(cpuPings),
    cpuCheck: median(cpuChecks),
  };
}

async function main() {
  section('HTTP POST /check vs GET /ping — machine');
  printMachine();
  const work = await mkdtemp(join(tmpdir(), 'lm-bench-http-'));
  const vendor = createVendor('bench-vendor');
  const vendorYaml = [
    'licenseManagement:',
    '  vendorKeys:',
    '    - kid: bench-vendor',
    '      publicKey: |',
    ...vendor.publicKeyPem.trim().split('\n').map(l => `        ${l}`),
  ];
  const results = [];
  try {
    for (const variant of [
      { cache: true, scenarios: ['user', 'service'] as const, runs: RUNS },
      { cache: false, scenarios: ['user'] as const, runs: Math.max(3, Math.ceil(RUNS / 2)) },
    ]) {
      const portal = await startPortal({
        work,
        extraYaml: [...vendorYaml, ...(variant.cache ? [] : ['  readPermissionCacheSeconds: 0'])],
      });
      try {
        const auth = { authorization: `Bearer ${PORTAL_TOKEN}` };
        const { keyId } = (await (await fetch(`${portal.url}/api/license-management/key-id`, { headers: auth })).json()) as {
          keyId: string;
        };
        const up = await fetch(`${portal.url}/api/license-management/licenses`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'text/plain' },
          body: await basePlus20(vendor, keyId),
        });
        if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${await up.text()}`);
        const user = await guestToken(portal.url);
        for (const who of variant.scenarios) {
          const token = who === 'user' ? user : PORTAL_TOKEN;
          const name = `${who} token${who === 'user' ? (variant.cache ? ', read decision cache 10 s (default)' : ', read decision cache off') : ''}`;
          log(`\n${name}`);
          results.push(await scenario(name, portal, token, variant.runs));
        }
      } finally {
        await portal.stop();
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  section(`HTTP — autocannon, ${CONNECTIONS} connections, ${DURATION} s per route per run; latency ms p50 / p99`);
  for (const r of results) {
    log(`\n### ${r.name}\n`);
    table(
      [
        'run',
        'order',
        'GET /ping req/s',
        'ping latency',
        'ping µs CPU/req',
        'POST /check req/s',
        'check latency',
        'check µs CPU/req',
        'check / ping req/s',
        'ping / check CPU',
      ],
      r.rows,
    );
  }
  section('Summary (medians)');
  table(
    ['scenario', 'GET /ping req/s', 'POST /check req/s', 'ratio req/s', 'ping µs CPU/req', 'check µs CPU/req', 'ratio by CPU'],
    results.map(r => [
      r.name,
      fmt(r.ping),
      fmt(r.check),
      r.ratio.toFixed(2),
      fmt(r.cpuPing),
      fmt(r.cpuCheck),
      r.cpuRatio.toFixed(2),
    ]),
  );
}

main().then(
  () => process.exit(0),
  e => {
    // eslint-disable-next-line no-console
    console.error(e);
    process.exit(1);
  },
);
