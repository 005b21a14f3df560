/**
 * The cost of verifying stored licenses again when they are loaded (start,
 * POST /reload, replica sync, the reload after an upload): PRODUCT.md §2.1
 * "Stored licenses stay signed". The check path does no verification; this is
 * what a snapshot rebuild adds.
 *
 * Method: one Base + 20 Plus tokens (the upload benchmark's file) signed for
 * an installation, turned into stored rows as the store returns them; then
 * the backend's own verifyStoredLicenses (signature with the vendor keyring,
 * claims, sub binding, every deciding column compared with the token):
 * - fresh: every token verified (start, POST /reload);
 * - cached: tokens this process verified before are not verified again, the
 *   columns are still compared (replica sync, the reload after an upload);
 * - verifyLicenseToken alone, 21 times: the signature and claims part.
 * Also at 336 rows (16 such files, what the upload benchmark accumulates).
 * Each case: RUNS runs of REPS rebuilds after a warm-up; the figure is the
 * median of the runs' time per rebuild.
 *
 * Run (from test/): LOG_LEVEL=warn node --require @backstage/cli/config/nodeTransform.cjs bench/verify.ts
 */
import {
  compileCatalog,
} from '@backstage-licensing/plugin-license-management-common';
import {
  createVendorKeyring,
  generateEd25519KeyPair,
  keyIdOf,
  verifyLicenseToken,
} from '@backstage-licensing/plugin-license-management-node';
import type { StoredLicense } from '../../plugins/license-management-backend/src/database/LicenseStore';
import {
  VerifiedTokens,
  verifyStoredLicenses,
} from '../../plugins/license-management-backend/src/service/storedLicenses';
import { basePlus20, createVendor } from './lib/licenses';
import { printMachine } from './lib/machine';
import { fmt, median, section, table } from './lib/stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const REPS = Number(process.env.BENCH_REPS ?? 20);

async function storedRows(files: number, vendor: ReturnType<typeof createVendor>, keyId: string, ctx: Parameters<typeof verifyStoredLicenses>[1]) {
  const rows: StoredLicense[] = [];
  for (let f = 0; f < files; f++) {
    const tokens = (await basePlus20(vendor, keyId)).trim().split('\n');
    for (const token of tokens) {
      const v = await verifyLicenseToken(token, { ...ctx, now: Date.now() });
      rows.push({ ...v.license, token, uploadedAt: Date.now(), uploadedBy: 'bench', uploadSeq: rows.length + 1 });
    }
  }
  return rows;
}

async function time(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm-up
  const perRun: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < REPS; i++) await run();
    perRun.push(Number(process.hrtime.bigint() - start) / 1e6 / REPS);
  }
  return median(perRun);
}

async function main() {
  section('Verifying stored licenses on load — machine');
  printMachine();
  const vendor = createVendor();
  const keyId = keyIdOf(generateEd25519KeyPair().publicKeyPem);
  const ctx = {
    vendorKeys: createVendorKeyring([{ kid: vendor.kid, publicKey: vendor.publicKeyPem }]),
    catalog: compileCatalog(),
    installationKeyId: keyId,
  };
  const rows: Array<Array<string | number>> = [];
  for (const files of [1, 16]) {
    const stored = await storedRows(files, vendor, keyId, ctx);
    const cache = new VerifiedTokens();
    const check = (r: Awaited<ReturnType<typeof verifyStoredLicenses>>) => {
      if (r.licenses.length !== stored.length || r.tampered.length) throw new Error(`bad verification: ${JSON.stringify(r.tampered[0])}`);
    };
    const fresh = await time(async () => check(await verifyStoredLicenses(stored, ctx, cache, { fresh: true })));
    const cached = await time(async () => check(await verifyStoredLicenses(stored, ctx, cache, { fresh: false })));
    const raw = await time(async () => {
      for (const l of stored) await verifyLicenseToken(l.token, { ...ctx, now: l.issuedAt });
    });
    rows.push(
      [`${stored.length} (${files === 1 ? '1 Base + 20 Plus' : `${files} × (1 Base + 20 Plus)`})`, 'fresh: start, POST /reload', fmt(fresh, 2), fmt((fresh * 1000) / stored.length, 0)],
      ['', 'cached: replica sync, reload after an upload', fmt(cached, 3), fmt((cached * 1000) / stored.length, 1)],
      ['', 'verifyLicenseToken alone', fmt(raw, 2), fmt((raw * 1000) / stored.length, 0)],
    );
  }
  section(`Verifying stored licenses on load — median of ${RUNS} runs × ${REPS} rebuilds`);
  table(['stored licenses', 'load', 'ms per load', 'µs per license'], rows);
}

main().then(
  () => process.exit(0),
  e => {
    // eslint-disable-next-line no-console
    console.error(e);
    process.exit(1);
  },
);
