import { type Config, readDurationFromConfig } from '@backstage/config';

/** `licenseManagement.sharing`: this portal as a license server (PRODUCT.md §2.6). */
export interface SharingSettings {
  enabled: boolean;
  /** A lease ends this long after its last renewal. */
  leaseTtlMs: number;
}

export const DEFAULT_LEASE_TTL_MS = 60_000;
const MIN_LEASE_TTL_MS = 1000;

const UNIT_MS: Record<string, number> = {
  milliseconds: 1,
  seconds: 1000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 7 * 86_400_000,
  months: 30 * 86_400_000,
  years: 365 * 86_400_000,
};

/** A Backstage duration (`{ seconds: 60 }`, or an ISO 8601 / ms string) in ms. */
export function durationMs(config: Config, key: string, name: string): number {
  let duration: Record<string, number | undefined>;
  try {
    duration = readDurationFromConfig(config, { key }) as Record<string, number | undefined>;
  } catch (e) {
    throw new Error(`${name} must be a duration such as { seconds: 60 }: ${(e as Error).message}`);
  }
  return Object.entries(duration).reduce((ms, [unit, n]) => ms + (n ?? 0) * (UNIT_MS[unit] ?? Number.NaN), 0);
}

/**
 * Reads `licenseManagement.sharing`; off when absent. Throws an Error that
 * names the key and what it accepts.
 */
export function readSharingSettings(config: Config): SharingSettings {
  const sharing = config.getOptionalConfig('licenseManagement.sharing');
  if (!sharing) return { enabled: false, leaseTtlMs: DEFAULT_LEASE_TTL_MS };
  let enabled: boolean;
  try {
    enabled = sharing.getOptionalBoolean('enabled') ?? false;
  } catch {
    throw new Error('licenseManagement.sharing.enabled must be true or false.');
  }
  const name = 'licenseManagement.sharing.leaseTtl';
  const leaseTtlMs = sharing.has('leaseTtl') ? durationMs(sharing, 'leaseTtl', name) : DEFAULT_LEASE_TTL_MS;
  if (!Number.isFinite(leaseTtlMs) || leaseTtlMs < MIN_LEASE_TTL_MS || leaseTtlMs > Number.MAX_SAFE_INTEGER / 4) {
    throw new Error(`${name} must be a duration of 1 second or more, such as { seconds: 60 }; it is ${leaseTtlMs} ms.`);
  }
  return { enabled, leaseTtlMs };
}
