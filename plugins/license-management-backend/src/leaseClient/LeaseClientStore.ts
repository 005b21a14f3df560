import type { Knex } from 'knex';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import { migrateToLatest } from '../database/migrations';
import { type ClientLeaseState, NOT_CONFIGURED } from '@backstage-licensing/plugin-license-management-common';
import { insertRecords } from '../database/KnexLicenseStore';
import type { NewRecord } from '../database/LicenseStore';

/** Where this site leases from and on what terms (`licenseManagement.server`, or `PUT /server`). */
export interface ServerSetting {
  url: string;
  credential: string;
  modules: string[];
  quota: Record<string, number>;
}

/** The stored row: the runtime setting (`mode` null: config applies) and the shared lease state. */
export interface StoredClient {
  mode: 'runtime' | 'off' | null;
  setting: ServerSetting | null;
  state: ClientLeaseState;
  version: number;
}

const TABLE = 'license_lease_client';
type Row = Record<string, any>;

/**
 * The client site's one row (migration 20261220000000_lease_client): the
 * runtime setting and the lease state, with its records in the same
 * transaction. The state is written by compare-and-set on its version, so a
 * change seen by several replicas is stored (and recorded) once.
 */
export class LeaseClientStore {
  /** The table comes with the plugin's migrations, which KnexLicenseStore.create runs first. */
  static async create(database: DatabaseService): Promise<LeaseClientStore> {
    return new LeaseClientStore(await database.getClient());
  }

  /** For tests: a store over a knex client, migrated. */
  static async fromKnex(knex: Knex): Promise<LeaseClientStore> {
    await migrateToLatest(knex);
    return new LeaseClientStore(knex);
  }

  private constructor(private readonly db: Knex) {}

  async read(): Promise<StoredClient> {
    const row: Row = await this.db(TABLE).where({ id: 1 }).first();
    const mode = row.setting_mode === 'runtime' || row.setting_mode === 'off' ? row.setting_mode : null;
    return {
      mode,
      setting:
        mode === 'runtime'
          ? {
              url: row.setting_url,
              credential: row.setting_credential,
              modules: JSON.parse(row.setting_modules ?? '[]'),
              quota: JSON.parse(row.setting_quota ?? '{}'),
            }
          : null,
      state: row.state ? (JSON.parse(row.state) as ClientLeaseState) : NOT_CONFIGURED,
      version: Number(row.state_version),
    };
  }

  /** Stores `state` if the row is still at `expectedVersion`, with its records; false when another replica wrote first. */
  async saveState(state: ClientLeaseState, expectedVersion: number, records: readonly NewRecord[]): Promise<boolean> {
    return this.db.transaction(async tx => {
      const n = await tx(TABLE)
        .where({ id: 1, state_version: expectedVersion })
        .update({ state: JSON.stringify(state), state_version: expectedVersion + 1 });
      if (n !== 1) return false;
      await insertRecords(tx, records);
      return true;
    });
  }

  /**
   * Replaces the runtime setting (`runtime` with the new setting, or `off`),
   * starting the lease state afresh, with its record.
   */
  async setSetting(mode: 'runtime' | 'off', setting: ServerSetting | null, at: number, actor: string, record: NewRecord): Promise<void> {
    await this.db.transaction(async tx => {
      const row: Row = await tx(TABLE).where({ id: 1 }).first();
      await tx(TABLE)
        .where({ id: 1 })
        .update({
          setting_mode: mode,
          setting_url: setting?.url ?? null,
          setting_credential: setting?.credential ?? null,
          setting_modules: setting ? JSON.stringify(setting.modules) : null,
          setting_quota: setting ? JSON.stringify(setting.quota) : null,
          setting_changed_at: at,
          setting_changed_by: actor,
          state: JSON.stringify(NOT_CONFIGURED),
          state_version: Number(row.state_version) + 1,
        });
      await insertRecords(tx, [record]);
    });
  }
}
