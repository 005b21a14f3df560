import type { LicenseCatalog } from '@backstage-licensing/plugin-license-management-common';
import type { VendorKeyring } from '@backstage-licensing/plugin-license-management-node';
import type { LicenseStore } from '../database/LicenseStore';
import type { LicenseSnapshot } from './LicenseSnapshot';
import type { SnapshotSync } from './SnapshotSync';
import type { UsbKeyState } from '../usbKey/UsbKeyWatcher';

/** Who did something, for the records. */
export type Actor = string;

/** A change that may downgrade the licenses in force (PRODUCT.md §2.1). */
export interface ChangeOptions {
  /** The admin accepts the consequences (`?acknowledge=true`); otherwise they are a 409. */
  acknowledge?: boolean;
}

/** What the write paths work with: the store, the snapshot they judge on, and its sync. */
export interface WriteContext {
  store: LicenseStore;
  catalog: LicenseCatalog;
  vendorKeys: VendorKeyring;
  installationKeyId: string;
  clock: () => number;
  snapshot: LicenseSnapshot;
  sync: SnapshotSync;
  /** The USB key, when enabled: what usb-key uploads may be bound to. */
  usbKeyState?: UsbKeyState;
}
