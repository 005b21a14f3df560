import type { LicenseCatalog } from '@backstage-licensing/plugin-license-management-common';
import type { VendorKeyring } from '@backstage-licensing/plugin-license-management-node';
import type { LicenseStore } from '../database/LicenseStore';
import type { UsbKeyState } from '../usbKey/UsbKeyWatcher';
import type { LeaseClientState } from '../leaseClient/LeaseClient';

/** What a DefaultLicenseEngine is made of: its store, catalog, vendor keys, clocks and settings. */
export interface DefaultLicenseEngineOptions {
  store: LicenseStore;
  catalog: LicenseCatalog;
  vendorKeys: VendorKeyring;
  /** The clock, in ms. */
  clock?: () => number;
  /**
   * A monotonic clock, in ms (default performance.now): the time this replica
   * sees pass, which advances the clock high-water mark.
   */
  monotonic?: () => number;
  /** Production refuses to start while the demo vendor key is trusted. Default: NODE_ENV is 'production'. */
  production?: boolean;
  logger: { info(m: string): void; warn(m: string, e?: Error): void };
  productVersion: string;
  expiryWarningDays?: number;
  rollbackToleranceMs?: number;
  /** How often to look for changes made by other replicas. */
  syncIntervalMs?: number;
  portalUrl?: string;
  /** The USB key watcher of this node, when `licenseManagement.usbKey.enabled`. */
  usbKeyState?: UsbKeyState;
  /** This portal as a client site of a license server: while server licensing is on, its lease is evaluated instead of the local licenses. */
  leaseState?: LeaseClientState;
}
