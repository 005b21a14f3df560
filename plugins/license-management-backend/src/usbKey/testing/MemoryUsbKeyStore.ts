import type { UsbKeyMemory, UsbNodeReading } from '@backstage-licensing/plugin-license-management-common';
import type { NewRecord } from '../../database/LicenseStore';
import type { StoredUsbKeyState, UsbKeyStore } from '../../database/UsbKeyStore';

/** A UsbKeyStore in memory, shared by the watchers of one test: the records it would append are kept. */
export class MemoryUsbKeyStore implements UsbKeyStore {
  readonly readings = new Map<string, UsbNodeReading>();
  readonly records: NewRecord[] = [];
  private state: StoredUsbKeyState = { version: 0 };

  async writeReading(reading: UsbNodeReading, forgetBefore: number) {
    this.readings.set(reading.node, structuredClone(reading));
    for (const [node, r] of this.readings) if (r.seenAt < forgetBefore) this.readings.delete(node);
  }

  async listReadings() {
    return [...this.readings.values()].map(r => structuredClone(r));
  }

  async getState() {
    return structuredClone(this.state);
  }

  async saveState(memory: UsbKeyMemory, expectedVersion: number, records: readonly NewRecord[]) {
    if (this.state.version !== expectedVersion) return false;
    this.state = { memory: structuredClone(memory), version: expectedVersion + 1 };
    this.records.push(...records);
    return true;
  }
}
