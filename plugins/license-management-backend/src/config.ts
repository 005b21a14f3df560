import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  CatalogError,
  compileCatalog,
  type LicenseCatalog,
  type LicenseCatalogDefinition,
} from '@backstage-licensing/plugin-license-management-common';
import {
  createVendorKeyring,
  type VendorKeyConfig,
  type VendorKeyring,
} from '@backstage-licensing/plugin-license-management-node';

export interface LicenseManagementSettings {
  catalog: LicenseCatalog;
  vendorKeys: VendorKeyring;
  productVersion: string;
  expiryWarningDays: number;
  rollbackToleranceMs: number;
  syncIntervalMs: number;
  portalUrl?: string;
  /** How long a user's license.read decision is reused; 0 asks the policy every time. */
  readPermissionCacheMs: number;
  usage: UsageSettings;
}

/** A quota metric counted from the catalog: entities matching `filter`. */
export interface CatalogUsageCount {
  metric: string;
  /** Catalog filter: entries are OR-ed; within one, keys are AND-ed and a key's values OR-ed. */
  filter: Array<Record<string, string | string[]>>;
}

export interface UsageSettings {
  /** When usage providers are asked for figures (one replica at a time). */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** The built-in catalog usage provider's counts; none turns it off. */
  catalog: CatalogUsageCount[];
}

const DEFAULT_USAGE_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { seconds: 30 },
  timeout: { minutes: 2 },
  initialDelay: { seconds: 5 },
};

export interface SettingsOverrides {
  /** Keys pinned in code; when given, config cannot add its own. */
  pinnedVendorKeys?: VendorKeyConfig[];
}

const DEFAULT_VERSION = '1.0.0';

/** Reads `licenseManagement.*`; throws an Error that names the key to fix. */
export function readSettings(config: Config, overrides: SettingsOverrides = {}): LicenseManagementSettings {
  const lm = config.getOptionalConfig('licenseManagement');
  const configured = (lm?.getOptionalConfigArray('vendorKeys') ?? []).map(k => ({
    kid: k.getString('kid'),
    publicKey: k.getString('publicKey'),
  }));
  let vendorKeys: VendorKeyring;
  try {
    vendorKeys = createVendorKeyring(overrides.pinnedVendorKeys ?? configured);
  } catch (e) {
    throw new Error(`Invalid licenseManagement.vendorKeys: ${(e as Error).message}`);
  }
  let catalog: LicenseCatalog;
  try {
    const definition = lm?.getOptional<LicenseCatalogDefinition>('catalog');
    catalog = compileCatalog(definition);
  } catch (e) {
    if (e instanceof CatalogError) throw new Error(`Invalid licenseManagement.catalog: ${e.message}`);
    throw e;
  }
  const warn = lm?.getOptionalNumber('expiryWarningDays') ?? 15;
  if (!(warn >= 0)) throw new Error('licenseManagement.expiryWarningDays must be 0 or more');
  return {
    catalog,
    vendorKeys,
    productVersion: lm?.getOptionalString('productVersion') ?? DEFAULT_VERSION,
    expiryWarningDays: warn,
    rollbackToleranceMs: (lm?.getOptionalNumber('clockRollbackToleranceMinutes') ?? 10) * 60_000,
    syncIntervalMs: lm?.getOptionalNumber('syncIntervalMs') ?? 2000,
    portalUrl: config.getOptionalString('app.baseUrl'),
    readPermissionCacheMs: readCacheSeconds(lm) * 1000,
    usage: readUsage(lm, catalog),
  };
}

function readCacheSeconds(lm: Config | undefined): number {
  const seconds = lm?.getOptionalNumber('readPermissionCacheSeconds') ?? 10;
  if (!(seconds >= 0 && seconds <= 300)) {
    throw new Error('licenseManagement.readPermissionCacheSeconds must be between 0 and 300');
  }
  return seconds;
}

function readUsage(lm: Config | undefined, catalog: LicenseCatalog): UsageSettings {
  const usage = lm?.getOptionalConfig('usage');
  const scheduleConfig = usage?.getOptionalConfig('schedule');
  const schedule = scheduleConfig
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
    : DEFAULT_USAGE_SCHEDULE;
  const counts = (usage?.getOptionalConfigArray('catalog') ?? []).map((c, i) => {
    const where = `licenseManagement.usage.catalog[${i}]`;
    const metric = c.getString('metric');
    if (!catalog.isMetric(metric)) {
      throw new Error(`${where}.metric '${metric}' is not a quota metric of the catalog. Known metrics: ${catalog.metricIds.join(', ')}.`);
    }
    const raw = c.getOptional<string | string[]>('filter');
    const filters = typeof raw === 'string' ? [raw] : raw;
    if (!Array.isArray(filters) || filters.length === 0 || filters.some(f => typeof f !== 'string')) {
      throw new Error(`${where}.filter must be a catalog filter such as 'kind=Resource,spec.type=host', or a list of them.`);
    }
    return { metric, filter: filters.map(f => parseCatalogFilter(f, `${where}.filter`)) };
  });
  const seen = new Set<string>();
  for (const { metric } of counts) {
    if (seen.has(metric)) {
      throw new Error(`licenseManagement.usage.catalog counts '${metric}' twice; give one entry a list of filters instead.`);
    }
    seen.add(metric);
  }
  return { schedule, catalog: counts };
}

/**
 * Parses a filter in the syntax of the catalog API's `filter` parameter:
 * `key=value` pairs separated by commas, all of which must match; a key given
 * twice matches either value.
 */
export function parseCatalogFilter(text: string, where: string): Record<string, string | string[]> {
  const filter: Record<string, string | string[]> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq <= 0 || !key || !value) {
      throw new Error(`${where} '${text}' is not a catalog filter: write key=value pairs separated by commas, such as 'kind=Resource,spec.type=host'.`);
    }
    const prior = filter[key];
    filter[key] = prior === undefined ? value : [...[prior].flat(), value];
  }
  return filter;
}
