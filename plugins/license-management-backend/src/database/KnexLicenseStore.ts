import { migrateToLatest } from './migrations';
import type { DatabaseService, LoggerService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type { RecordPage } from '@backstage-licensing/plugin-license-management-common';
import {
  type Expiry,
  type InstallationIdentity,
  type LicenseStore,
  type NewLicense,
  type NewRecord,
  type RecordQuery,
  type StoredLicense,
  StoreConflictError,
  type UsageReportRow,
} from './LicenseStore';
import { listRecordPage } from './recordPages';
import { RecordSearch } from './recordSearch';


type Row = Record<string, any>;
/** Rows per statement: well below SQLite's limit on bound variables. */
const CHUNK = 50;
const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return (
    err?.code === '23505' ||
    err?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed|duplicate key/i.test(err?.message ?? '')
  );
}

/** The knex implementation of LicenseStore, for SQLite and PostgreSQL. */
export class KnexLicenseStore implements LicenseStore {
  /**
   * Connects, runs the migrations unless the database service says not to, and
   * returns the store. Warns through `logger` when the records have no text index.
   */
  static async create(database: DatabaseService, logger?: LoggerService): Promise<KnexLicenseStore> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await migrateToLatest(knex);
    }
    return new KnexLicenseStore(knex, await RecordSearch.open(knex, logger));
  }

  /** For tests: a store over a knex client, migrated. */
  static async fromKnex(knex: Knex): Promise<KnexLicenseStore> {
    await migrateToLatest(knex);
    return new KnexLicenseStore(knex, await RecordSearch.open(knex));
  }

  private constructor(
    private readonly db: Knex,
    private readonly search: RecordSearch,
  ) {}

  async ensureInstallation(candidate: InstallationIdentity): Promise<InstallationIdentity> {
    await this.db('license_installation')
      .insert({
        id: 1,
        key_id: candidate.keyId,
        public_key: candidate.publicKeyPem,
        private_key: candidate.privateKeyPem,
        created_at: candidate.createdAt,
      })
      .onConflict('id')
      .ignore();
    const row = await this.db('license_installation').where({ id: 1 }).first();
    return {
      keyId: row.key_id,
      publicKeyPem: row.public_key,
      privateKeyPem: row.private_key,
      createdAt: Number(row.created_at),
    };
  }

  async listLicenses(): Promise<StoredLicense[]> {
    const rows = await this.db('license_licenses').whereNull('deleted_at').orderBy('seq', 'asc');
    return rows.map(toLicense);
  }

  async getLicense(id: string) {
    return (await this.getLicenses([id])).get(id);
  }

  async getLicenses(ids: readonly string[]) {
    const found = new Map<string, StoredLicense & { deletedAt?: number }>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.db('license_licenses').whereIn('id', ids.slice(i, i + CHUNK));
      for (const row of rows) {
        found.set(row.id, { ...toLicense(row), ...(row.deleted_at ? { deletedAt: Number(row.deleted_at) } : {}) });
      }
    }
    return found;
  }

  async installLicenses(
    licenses: NewLicense[],
    records: NewRecord[],
    options: { replace?: readonly string[] } = {},
  ): Promise<void> {
    const replace = options.replace ?? [];
    try {
      await this.db.transaction(async tx => {
        // Tampered rows the upload restores from their signed tokens.
        for (let i = 0; i < replace.length; i += CHUNK) {
          await tx('license_licenses').whereIn('id', replace.slice(i, i + CHUNK)).delete();
        }
        for (let i = 0; i < licenses.length; i += CHUNK) {
          const chunk = licenses.slice(i, i + CHUNK);
          // A deleted license comes back as a new upload, with a new upload order.
          await tx('license_licenses').whereIn('id', chunk.map(l => l.id)).whereNotNull('deleted_at').delete();
          // One statement per chunk; rows get their upload order (seq) in file order.
          await tx('license_licenses').insert(chunk.map(fromLicense));
        }
        await insertRecords(tx, records);
        await bumpRevision(tx);
      });
    } catch (e) {
      if (isUniqueViolation(e)) {
        throw new StoreConflictError('A license in this upload was installed at the same time by another request; retry the upload.');
      }
      throw e;
    }
  }

  async deleteLicense(id: string, at: number, actor: string, records: NewRecord[]): Promise<boolean> {
    return this.db.transaction(async tx => {
      const n = await tx('license_licenses')
        .where({ id })
        .whereNull('deleted_at')
        .update({ deleted_at: at, deleted_by: actor });
      if (n === 0) return false;
      await insertRecords(tx, records);
      await bumpRevision(tx);
      return true;
    });
  }

  async reinstateLicense(id: string, expectedSeq: number, at: number, actor: string, records: NewRecord[]): Promise<boolean> {
    return this.db.transaction(async tx => {
      const row = await tx('license_licenses').where({ id, seq: expectedSeq }).whereNull('deleted_at').first();
      if (!row) return false;
      // The upload order is the row's seq: the row goes back in as the newest
      // one, every other column as it was (the token is unchanged).
      const n = await tx('license_licenses').where({ id, seq: expectedSeq }).whereNull('deleted_at').delete();
      if (n === 0) return false;
      const { seq: _seq, ...columns } = row;
      await tx('license_licenses').insert({ ...columns, uploaded_at: at, uploaded_by: actor });
      await insertRecords(tx, records);
      await bumpRevision(tx);
      return true;
    });
  }

  async appendRecords(records: NewRecord[]): Promise<void> {
    await this.db.transaction(tx => insertRecords(tx, records));
  }

  async recordExpiries(expiries: readonly Expiry[]): Promise<StoredLicense[]> {
    const bySeq = new Map(expiries.map(e => [e.license.uploadSeq, e]));
    const open: number[] = [];
    const seqs = [...bySeq.keys()];
    for (let i = 0; i < seqs.length; i += CHUNK) {
      const rows = await this.db('license_licenses')
        .select('seq')
        .whereIn('seq', seqs.slice(i, i + CHUNK))
        .whereNull('deleted_at')
        .where('expiry_recorded', false);
      open.push(...rows.map(r => Number(r.seq)));
    }
    const marked: StoredLicense[] = [];
    for (const seq of open) {
      const { license, record } = bySeq.get(seq)!;
      await this.db.transaction(async tx => {
        // Only the replica whose update wins writes the record.
        const n = await tx('license_licenses')
          .where({ seq, expiry_recorded: false })
          .whereNull('deleted_at')
          .update({ expiry_recorded: true });
        if (n === 0) return;
        await insertRecords(tx, [record]);
        await bumpRevision(tx);
        marked.push(license);
      });
    }
    return marked;
  }

  listRecords(query: RecordQuery): Promise<RecordPage> {
    return listRecordPage(this.db, this.search, query);
  }

  async getUsageReports(): Promise<UsageReportRow[]> {
    const rows: Array<{ metric: string; reporter: string; used: unknown; updated_at: unknown }> = await this.db(
      'license_usage',
    ).select('metric', 'reporter', 'used', 'updated_at');
    return rows.map(r => ({ metric: r.metric, reporter: r.reporter, used: Number(r.used), reportedAt: Number(r.updated_at) }));
  }

  async setUsage(metric: string, used: number, at: number, reporter: string): Promise<boolean> {
    return this.db.transaction(async tx => {
      const row = await tx('license_usage').where({ metric, reporter }).first();
      if (row && Number(row.used) === used) return false;
      await tx('license_usage')
        .insert({ metric, reporter, used, updated_at: at })
        .onConflict(['metric', 'reporter'])
        .merge();
      await bumpRevision(tx);
      return true;
    });
  }

  async getRevision(): Promise<number> {
    const row = await this.db('license_meta').where({ key: 'revision' }).first();
    return Number(row?.value ?? 0);
  }

  async raiseHighWater(at: number): Promise<number> {
    await this.db('license_meta').where({ key: 'high_water' }).where('value', '<', at).update({ value: at });
    const row = await this.db('license_meta').where({ key: 'high_water' }).first();
    return Number(row?.value ?? at);
  }

  async getHighWater(): Promise<number> {
    const row = await this.db('license_meta').where({ key: 'high_water' }).first();
    return Number(row?.value ?? 0);
  }

  async resetHighWater(at: number, recordsFor: (previous: number) => NewRecord[]): Promise<number> {
    return this.db.transaction(async tx => {
      const row = await tx('license_meta').where({ key: 'high_water' }).first();
      const previous = Number(row?.value ?? 0);
      await tx('license_meta').where({ key: 'high_water' }).update({ value: at });
      await insertRecords(tx, recordsFor(previous));
      await bumpRevision(tx);
      return previous;
    });
  }
}

async function bumpRevision(tx: Knex.Transaction) {
  await tx('license_meta').where({ key: 'revision' }).increment('value', 1);
}

/** Appends records in the transaction `tx` (also used by the sharing store). */
export async function insertRecords(tx: Knex.Transaction, records: readonly NewRecord[]) {
  for (let i = 0; i < records.length; i += CHUNK) await insertRecordRows(tx, records.slice(i, i + CHUNK));
}

async function insertRecordRows(tx: Knex.Transaction, records: readonly NewRecord[]) {
  await tx('license_records').insert(
    records.map(r => ({
      time: r.time,
      action: r.action,
      license_id: r.licenseId ?? null,
      license_type: r.type ?? null,
      item: r.item ?? null,
      method: r.method ?? null,
      quota: JSON.stringify(r.quota ?? {}),
      state: r.state ?? null,
      issued_at: r.issuedAt ?? null,
      expires_at: r.expiresAt ?? null,
      actor: r.actor,
      detail: r.detail ?? null,
    })),
  );
}

function fromLicense(l: NewLicense): Row {
  return {
    id: l.id,
    token: l.token,
    type: l.type,
    item: l.item,
    method: l.method,
    key_id: l.keyId,
    issuer: l.issuer,
    customer: l.customer ?? null,
    quota: JSON.stringify(l.quota),
    issued_at: l.issuedAt,
    not_before: l.notBefore ?? null,
    expires_at: l.expiresAt,
    uploaded_at: l.uploadedAt,
    uploaded_by: l.uploadedBy,
  };
}

function toLicense(row: Row): StoredLicense {
  const notBefore = num(row.not_before);
  return {
    id: row.id,
    token: row.token,
    type: row.type,
    item: row.item,
    method: row.method,
    keyId: row.key_id,
    issuer: row.issuer,
    ...(row.customer ? { customer: row.customer } : {}),
    quota: readQuota(row.quota),
    issuedAt: Number(row.issued_at),
    ...(notBefore !== undefined ? { notBefore } : {}),
    expiresAt: Number(row.expires_at),
    uploadedAt: Number(row.uploaded_at),
    uploadedBy: row.uploaded_by,
    uploadSeq: Number(row.seq),
  };
}

/**
 * The quota column as stored. An edited column that is not JSON must not stop
 * the load: it reads as a value no signed token holds, so the row is judged
 * tampered instead.
 */
function readQuota(text: unknown): Record<string, number> {
  try {
    const value = JSON.parse(String(text));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {
    // below
  }
  return { [`unreadable: ${String(text).slice(0, 40)}`]: Number.NaN };
}
