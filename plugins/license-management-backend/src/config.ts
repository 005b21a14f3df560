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
}

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
  };
}
