import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type {
  UsbFaultSighting,
  UsbKeyMemory,
  UsbKeySighting,
  UsbNodeReading,
} from '@backstage-licensing/plugin-license-management-common';
import type { NewRecord } from './LicenseStore';
import { insertRecords } from './KnexLicenseStore';
import type { StoredUsbKeyState, UsbKeyStore } from './UsbKeyStore';

/**
 * The knex UsbKeyStore, for SQLite and PostgreSQL. Its tables are created by
 * the plugin's migrations, which KnexLicenseStore.create runs: create that
 * store first.
 */
export class KnexUsbKeyStore implements UsbKeyStore {
  static async create(database: DatabaseService): Promise<KnexUsbKeyStore> {
    return new KnexUsbKeyStore(await database.getClient());
  }

  /** For tests: over a migrated knex client. */
  static fromKnex(knex: Knex): KnexUsbKeyStore {
    return new KnexUsbKeyStore(knex);
  }

  private constructor(private readonly db: Knex) {}

  async writeReading(reading: UsbNodeReading, forgetBefore: number): Promise<void> {
    const row = {
      node: reading.node,
      available: reading.available,
      reason: reading.reason ?? null,
      keys: JSON.stringify(reading.keys),
      faults: JSON.stringify(reading.faults),
      seen_at: reading.seenAt,
    };
    await this.db('license_usb_nodes').insert(row).onConflict('node').merge();
    await this.db('license_usb_nodes').where('seen_at', '<', forgetBefore).delete();
  }

  async listReadings(): Promise<UsbNodeReading[]> {
    const rows = await this.db('license_usb_nodes').orderBy('node');
    return rows.map(r => ({
      node: r.node,
      seenAt: Number(r.seen_at),
      available: !!r.available,
      ...(r.reason !== null && r.reason !== undefined ? { reason: String(r.reason) } : {}),
      keys: readList<UsbKeySighting>(r.keys, k => typeof k?.serial === 'string' && Number.isFinite(k?.since)),
      faults: readList<UsbFaultSighting>(r.faults, f => typeof f?.error === 'string' && Number.isFinite(f?.since)),
    }));
  }

  async getState(): Promise<StoredUsbKeyState> {
    const row = await this.db('license_usb_state').where({ id: 1 }).first();
    const version = Number(row?.version ?? 0);
    const memory = row?.memory ? readMemory(row.memory) : undefined;
    return memory ? { memory, version } : { version };
  }

  async saveState(memory: UsbKeyMemory, expectedVersion: number, records: readonly NewRecord[]): Promise<boolean> {
    return this.db.transaction(async tx => {
      const updated = await tx('license_usb_state')
        .where({ id: 1, version: expectedVersion })
        .update({ memory: JSON.stringify(memory), version: expectedVersion + 1 });
      if (updated !== 1) return false;
      await insertRecords(tx, records);
      return true;
    });
  }
}

function readList<T>(text: unknown, valid: (item: any) => boolean): T[] {
  try {
    const parsed = JSON.parse(String(text));
    return Array.isArray(parsed) ? parsed.filter(valid) : [];
  } catch {
    return [];
  }
}

/** The stored memory, or undefined when it is not one (the rules start afresh). */
function readMemory(text: unknown): UsbKeyMemory | undefined {
  try {
    const m = JSON.parse(String(text));
    if (typeof m?.status !== 'string' || typeof m?.situation !== 'string') return undefined;
    return {
      status: m.status,
      keyId: typeof m.keyId === 'string' ? m.keyId : null,
      readyKey: typeof m.readyKey === 'string' ? m.readyKey : null,
      faultSince: Number.isFinite(m.faultSince) ? m.faultSince : null,
      bufferEnded: m.bufferEnded === true,
      situation: m.situation,
    };
  } catch {
    return undefined;
  }
}
