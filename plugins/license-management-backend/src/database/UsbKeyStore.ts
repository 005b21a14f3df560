import type { UsbKeyMemory, UsbNodeReading } from '@backstage-licensing/plugin-license-management-common';
import type { NewRecord } from './LicenseStore';

/** The shared USB key state and the version it was read at (for compare-and-set). */
export interface StoredUsbKeyState {
  /** Undefined before any replica judged the USB key. */
  memory?: UsbKeyMemory;
  version: number;
}

/**
 * What the management nodes see on their USB buses (one row per node, written
 * by that node, read by all) and the USB key state they share (PRODUCT.md
 * §2.7). The USB key watcher of each replica is its only user.
 */
export interface UsbKeyStore {
  /** Stores this node's reading (replacing its last one), and forgets nodes not seen for `forgetBefore`. */
  writeReading(reading: UsbNodeReading, forgetBefore: number): Promise<void>;
  /** Every node's last reading. */
  listReadings(): Promise<UsbNodeReading[]>;
  getState(): Promise<StoredUsbKeyState>;
  /**
   * Stores `memory` and appends `records` in one transaction if the state is
   * still at `expectedVersion`; false (nothing written) when another replica
   * changed it first.
   */
  saveState(memory: UsbKeyMemory, expectedVersion: number, records: readonly NewRecord[]): Promise<boolean>;
}
