/**
 * In-process check() throughput: a backend plugin calls `licenseServiceRef`
 * in the backend that runs License Management (the answer comes from the
 * in-memory snapshot: no I/O, no crypto).
 *
 * Method: a real backend (backend-defaults) in this process with the License
 * Management plugin and a bench plugin that injects licenseServiceRef; a Base
 * and 20 Plus licenses installed, some usage reported. Each case runs
 * N sequential `await service.check(request)` calls per run, RUNS runs after a
 * warm-up; the figure is the median of the runs' calls per second.
 *
 * Run: npm --workspace test run bench:check
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import type { CheckRequest } from '@backstage-licensing/plugin-license-management-common';
import {
  licenseEngineRegistryServiceRef,
  licenseServiceRef,
  type LicenseService,
  type LicenseEngine,
} from '@backstage-licensing/plugin-license-management-node';
import { startInProcessBackend } from './lib/backend';
import { basePlus20, createVendor } from './lib/licenses';
import { printMachine } from './lib/machine';
import { fmt, median, section, table } from './lib/stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const N = Number(process.env.BENCH_CHECKS ?? 2_000_000);

const cases: Array<[string, CheckRequest]> = [
  ['licensed module feature', { feature: 'vmware' }],
  ['feature + metric + amount (quota test)', { feature: 'vmware', metric: 'vmware-cpus', amount: 2 }],
  ['edition feature with the hosts quota', { feature: 'virtualization', metric: 'hosts', amount: 1 }],
  ['essential feature', { feature: 'license-management' }],
  ['community feature', { feature: 'community' }],
];

async function main() {
  section('In-process check() — machine');
  printMachine();
  const dir = await mkdtemp(join(tmpdir(), 'lm-bench-check-'));
  const vendor = createVendor();
  let service!: LicenseService;
  let engine!: LicenseEngine;
  const benchPlugin = createBackendPlugin({
    pluginId: 'bench',
    register(env) {
      env.registerInit({
        deps: { licenses: licenseServiceRef, engines: licenseEngineRegistryServiceRef },
        async init({ licenses, engines }) {
          service = licenses;
          engine = await engines.whenRegistered();
        },
      });
    },
  });
  const backend = await startInProcessBackend({
    database: { client: 'better-sqlite3', connection: { directory: dir } },
    vendorPublicKeyPem: vendor.publicKeyPem,
    features: [benchPlugin],
  });
  try {
    const { keyId } = (await (await backend.api('/key-id')).json()) as { keyId: string };
    const upload = await backend.api('/licenses', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: await basePlus20(vendor, keyId),
    });
    if (upload.status !== 201) throw new Error(`upload failed: ${upload.status} ${await upload.text()}`);
    await service.reportUsage('hosts', 100);
    await service.reportUsage('vmware-cpus', 10);
    for (const [, request] of cases) {
      const answer = await service.check(request);
      if (!answer.allowed) throw new Error(`expected ${JSON.stringify(request)} to be allowed: ${answer.message}`);
    }

    const rows: Array<Array<string | number>> = [];
    const measure = async (name: string, call: (r: CheckRequest) => unknown, request: CheckRequest, viaService: boolean) => {
      const rates: number[] = [];
      for (let run = -1; run < RUNS; run++) {
        const start = process.hrtime.bigint();
        if (viaService) {
          for (let i = 0; i < N; i++) await call(request);
        } else {
          for (let i = 0; i < N; i++) call(request);
        }
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        if (run >= 0) rates.push(N / seconds); // run -1 is the warm-up
      }
      rows.push([name, fmt(median(rates)), fmt(Math.min(...rates)), fmt(Math.max(...rates)), fmt(1e9 / median(rates), 0)]);
    };
    for (const [name, request] of cases) {
      await measure(`licenseServiceRef.check: ${name}`, r => service.check(r), request, true);
    }
    await measure('engine.check (synchronous, no promise): licensed module feature', r => engine.check(r), cases[0][1], false);

    section(`In-process check() — ${RUNS} runs of ${fmt(N)} sequential calls, after one warm-up run`);
    table(['case', 'median checks/s', 'min', 'max', 'ns per check (median)'], rows);
  } finally {
    await backend.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  e => {
    // eslint-disable-next-line no-console
    console.error(e);
    process.exit(1);
  },
);
