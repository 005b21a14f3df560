import type { Knex } from 'knex';
import {
  compileCatalog,
  DAY_MS,
  type LicenseClaims,
} from '@backstage-licensing/plugin-license-management-common';
import {
  createVendorKeyring,
  generateEd25519KeyPair,
} from '@backstage-licensing/plugin-license-management-node';
import { signLicenseToken } from '@backstage-licensing/license-vendor';
import { KnexLicenseStore } from '../database/KnexLicenseStore';
import { DefaultLicenseEngine, type DefaultLicenseEngineOptions } from './DefaultLicenseEngine';

export const DAY = DAY_MS;
export const T0 = Date.UTC(2026, 5, 1, 12);
export const ADMIN = 'user:default/admin';
export const catalog = compileCatalog();
export const vendor = { kid: 'v1', ...generateEd25519KeyPair() };
export const vendorKeys = createVendorKeyring([{ kid: vendor.kid, publicKey: vendor.publicKeyPem }]);
const logger = { info: () => {}, warn: () => {} };

/** A wall clock and a monotonic clock that tests move by hand. */
export interface TestClocks {
  now: number;
  mono: number;
}

/** A replica (DefaultLicenseEngine) over `knex`, on the test's clocks. */
export async function replica(
  knex: Knex,
  clocks: TestClocks,
  over: Partial<DefaultLicenseEngineOptions> = {},
): Promise<DefaultLicenseEngine> {
  return DefaultLicenseEngine.create({
    store: await KnexLicenseStore.fromKnex(knex),
    catalog,
    vendorKeys,
    logger,
    productVersion: '1.0.0',
    syncIntervalMs: 60_000,
    clock: () => clocks.now,
    monotonic: () => clocks.mono,
    ...over,
  });
}

let seq = 0;

/** Signs a license for `keyId`, issued at `at` and valid for a year unless `over` says otherwise. */
export function sign(
  keyId: string,
  at: number,
  license: { type: 'base' | 'plus'; item: string; quota?: Record<string, number> },
  over: Partial<LicenseClaims> = {},
  signer: { kid: string; privateKeyPem: string } = vendor,
): Promise<string> {
  const iat = Math.floor(at / 1000);
  return signLicenseToken(
    {
      jti: `lic-${++seq}`,
      iss: 'v1',
      sub: keyId,
      iat,
      exp: iat + 365 * 86_400,
      ...over,
      license: { method: 'request-key', ...license },
    } as LicenseClaims,
    signer,
  );
}

/** Everything stored about licenses: to prove that something changed nothing. */
export async function stored(knex: Knex) {
  return {
    licenses: await knex('license_licenses').orderBy('seq'),
    records: await knex('license_records').orderBy('seq'),
    installation: await knex('license_installation'),
  };
}

/**
 * Asserts that a refused upload left exactly one new record, `rejected` by
 * `actor` with the reason as its detail, and changed nothing else since
 * `before` (a {@link stored} snapshot).
 */
export async function expectRejected(knex: Knex, before: Awaited<ReturnType<typeof stored>>, detail?: string | RegExp, actor = ADMIN) {
  const after = await stored(knex);
  const added = after.records.slice(before.records.length);
  expect(added).toHaveLength(1);
  expect(added[0]).toMatchObject({ action: 'rejected', actor, license_id: null });
  if (detail !== undefined) expect(added[0].detail).toMatch(detail);
  expect({ ...after, records: after.records.slice(0, before.records.length) }).toEqual(before);
}

export const codes = (m: DefaultLicenseEngine) => m.status().exceptions.map(e => e.code);
