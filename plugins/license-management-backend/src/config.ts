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
import { readUsbKeySettings, type UsbKeySettings } from './usbKey/usbKeyConfig';

export type { UsbKeySettings };

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
  /** `licenseManagement.usbKey` (off by default). */
  usbKey: UsbKeySettings;
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
  return {
    catalog,
    vendorKeys,
    productVersion: lm?.getOptionalString('productVersion') ?? DEFAULT_VERSION,
    expiryWarningDays: readNumber(lm, NUMERIC_SETTINGS.expiryWarningDays),
    rollbackToleranceMs: readNumber(lm, NUMERIC_SETTINGS.clockRollbackToleranceMinutes) * 60_000,
    syncIntervalMs: readNumber(lm, NUMERIC_SETTINGS.syncIntervalMs),
    portalUrl: config.getOptionalString('app.baseUrl'),
    readPermissionCacheMs: readNumber(lm, NUMERIC_SETTINGS.readPermissionCacheSeconds) * 1000,
    usage: readUsage(lm, catalog),
    usbKey: readUsbKeySettings(lm),
  };
}

/** A numeric setting of `licenseManagement`: its default and the range it may take. */
export interface NumericSetting {
  key: string;
  default: number;
  min: number;
  max: number;
  /** Whole numbers only. */
  integer: boolean;
  /** The unit, for messages. */
  unit: string;
}

/**
 * Every numeric setting of `licenseManagement`, with its range: a value
 * outside it (a negative tolerance that raises CLOCK_ROLLBACK for good, a
 * sync interval of 0 that polls the database without pause) stops the
 * backend at startup with an error naming the key and the range.
 */
export const NUMERIC_SETTINGS = {
  expiryWarningDays: { key: 'expiryWarningDays', default: 15, min: 0, max: 365, integer: true, unit: 'days' },
  clockRollbackToleranceMinutes: {
    key: 'clockRollbackToleranceMinutes',
    default: 10,
    min: 1,
    max: 1440,
    integer: false,
    unit: 'minutes',
  },
  syncIntervalMs: { key: 'syncIntervalMs', default: 2000, min: 100, max: 300_000, integer: true, unit: 'milliseconds' },
  readPermissionCacheSeconds: {
    key: 'readPermissionCacheSeconds',
    default: 10,
    min: 0,
    max: 300,
    integer: false,
    unit: 'seconds',
  },
} as const satisfies Record<string, NumericSetting>;

/** Reads a numeric setting, or its default; throws an Error naming the key and the allowed range. */
export function readNumber(lm: Config | undefined, setting: NumericSetting): number {
  const name = `licenseManagement.${setting.key}`;
  const range = `${setting.integer ? 'a whole number' : 'a number'} of ${setting.unit} from ${setting.min.toLocaleString('en-US')} to ${setting.max.toLocaleString('en-US')}`;
  let value: number | undefined;
  try {
    value = lm?.getOptionalNumber(setting.key);
  } catch {
    throw new Error(`${name} must be ${range}; it is not a number.`);
  }
  if (value === undefined) return setting.default;
  if (
    !Number.isFinite(value) ||
    value < setting.min ||
    value > setting.max ||
    (setting.integer && !Number.isInteger(value))
  ) {
    throw new Error(`${name} must be ${range}; it is ${value}.`);
  }
  return value;
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
