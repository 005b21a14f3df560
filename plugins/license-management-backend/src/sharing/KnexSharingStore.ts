import type { DatabaseService } from '@backstage/backend-plugin-api';
import { migrateToLatest } from '../database/migrations';
import type { Knex } from 'knex';
import { insertRecords } from '../database/KnexLicenseStore';
import { type Renewal, RenewalBatcher } from './renewalBatch';
import { addTotals, type Row, SITES, toLease, toSite, TOTALS, totalsDelta, writeChange } from './sharingRows';
import type { LeaseChange, LeaseState, NewSite, SharingStore, StoredLease, StoredSite, SweepState } from './SharingStore';

const LOCK = 'license_sharing_lock';

/**
 * Unchanged renewals, many in one statement: the rows by primary key (an
 * index scan whatever the batch size), each only if it holds exactly its
 * site's terms. The batch is judged at its latest instant (a lease at the
 * edge of its expiry takes the locked path) and gets that instant's expiry.
 */
const RENEW_SQL = `UPDATE ${SITES} SET lease_renewed_at = ?, lease_expires_at = ?, last_seen_at = ?
  WHERE id = ANY(?::text[]) AND (id || chr(10) || lease_terms) = ANY(?::text[])
    AND revoked_at IS NULL AND lease_expires_at > ?
  RETURNING id, lease_modules, lease_quota, lease_granted_at, lease_renewed_at, lease_expires_at`;
const DEADLOCK = '40P01';

/**
 * The knex implementation of SharingStore, for PostgreSQL and SQLite. The
 * allocation lock is the one row of `license_sharing_lock`: `SELECT ... FOR
 * UPDATE` on PostgreSQL holds it until the transaction ends, so allocations
 * from every replica run one after the other; on SQLite an UPDATE of that row
 * takes the database's write lock at once (and knex serializes transactions on
 * its single connection anyway).
 */
export class KnexSharingStore implements SharingStore {
  /** The tables come with the plugin's migrations, which KnexLicenseStore.create runs first. */
  static async create(database: DatabaseService): Promise<KnexSharingStore> {
    return new KnexSharingStore(await database.getClient());
  }

  /** For tests: a store over a knex client, migrated. */
  static async fromKnex(knex: Knex): Promise<KnexSharingStore> {
    await migrateToLatest(knex);
    return new KnexSharingStore(knex);
  }

  private readonly postgres: boolean;
  /** PostgreSQL: the unchanged renewals that arrive together go out as one statement. */
  private readonly renewals = new RenewalBatcher<StoredLease>(batch => this.renewBatch(batch), { maxBatch: 500, maxInFlight: 2 });

  private constructor(private readonly db: Knex) {
    this.postgres = /^(pg|postgres|postgresql)$/.test(String(db.client.config.client));
  }

  private async renewBatch(batch: readonly Renewal[]): Promise<Map<string, StoredLease>> {
    const run = async (items: readonly Renewal[]) => {
      const latest = items.reduce((a, b) => (b.now > a.now ? b : a));
      const { rows } = await this.db.raw(RENEW_SQL, [
        latest.now,
        latest.expiresAt,
        latest.now,
        items.map(r => r.siteId),
        items.map(r => `${r.siteId}\n${r.terms}`),
        latest.now,
      ]);
      return new Map<string, StoredLease>(rows.map((row: Row) => [String(row.id), toLease(row)]));
    };
    try {
      return await run(batch);
    } catch (e) {
      // Two statements that lock the same rows in another order: one is chosen to fail. Go one by one.
      if ((e as { code?: string }).code !== DEADLOCK || batch.length === 1) throw e;
      const renewed = new Map<string, StoredLease>();
      for (const r of batch) for (const [id, lease] of await run([r])) renewed.set(id, lease);
      return renewed;
    }
  }

  async addSite(site: NewSite, record: Parameters<SharingStore['addSite']>[1]): Promise<void> {
    await this.db.transaction(async tx => {
      await tx(SITES).insert({
        id: site.id,
        name: site.name,
        credential_hash: site.credentialHash,
        created_at: site.createdAt,
        created_by: site.createdBy,
      });
      await insertRecords(tx, [record]);
    });
  }

  async credentialOf(id: string) {
    const row = await this.db(SITES).where({ id }).first('credential_hash', 'revoked_at');
    return row ? { credentialHash: String(row.credential_hash), revoked: row.revoked_at !== null } : undefined;
  }

  async listSites(): Promise<StoredSite[]> {
    const rows = await this.db(SITES).whereNull('revoked_at').orderBy([{ column: 'created_at' }, { column: 'id' }]);
    return rows.map(toSite);
  }

  async renewUnchanged(siteId: string, terms: string, now: number, expiresAt: number): Promise<StoredLease | undefined> {
    const where = (q: Knex.QueryBuilder) =>
      q.where({ id: siteId, lease_terms: terms }).whereNull('revoked_at').where('lease_expires_at', '>', now);
    const set = { lease_renewed_at: now, lease_expires_at: expiresAt, last_seen_at: now };
    // The hot path of a license server: on PostgreSQL, one statement for the renewals that arrive together.
    if (this.postgres) return this.renewals.renew({ siteId, terms, now, expiresAt });
    const count = await where(this.db(SITES)).update(set);
    if (count !== 1) return undefined;
    const row = await this.db(SITES).where({ id: siteId }).first();
    return row ? toLease(row) : undefined;
  }

  async changeLeases<T>(
    siteId: string | undefined,
    now: number,
    decide: (state: LeaseState) => { change: LeaseChange; result: T },
  ): Promise<T> {
    return this.locked(async tx => {
      // Read after the lock: every allocation committed before it is seen.
      // One after the other: a transaction is one connection.
      const siteRow = siteId ? await tx(SITES).where({ id: siteId }).first() : undefined;
      const totalRows = await tx(TOTALS).select('metric', 'leased');
      const expiredRows = await tx(SITES)
        .whereNull('revoked_at')
        .whereNotNull('lease_terms')
        .where('lease_expires_at', '<=', now)
        .orderBy('id');
      const site = siteRow ? toSite(siteRow) : undefined;
      const totals: Record<string, number> = {};
      for (const r of totalRows) if (Number(r.leased) !== 0) totals[r.metric] = Number(r.leased);
      const expired = expiredRows.map(toSite);
      const { change, result } = decide({ site, totals, expired });
      const known = new Map<string, StoredLease>();
      for (const s of expired) known.set(s.id, s.lease!);
      if (site?.lease && site.revokedAt === undefined) known.set(site.id, site.lease);
      await writeChange(tx, change);
      await addTotals(tx, totalsDelta(change, known));
      return result;
    });
  }

  async sweepLeases<T>(decide: (state: SweepState) => { change: LeaseChange; result: T }): Promise<T> {
    return this.locked(async tx => {
      const holders = (await tx(SITES).whereNull('revoked_at').whereNotNull('lease_terms').orderBy('id')).map(toSite);
      const { change, result } = decide({ holders });
      await writeChange(tx, change);
      // Computed again from the leases that remain: whatever the totals said, they are right from here.
      const gone = new Set([...(change.end ?? []), ...(change.revoke ? [change.revoke.siteId] : [])]);
      const totals: Record<string, number> = {};
      for (const h of holders) {
        if (gone.has(h.id)) continue;
        for (const [m, n] of Object.entries(h.lease!.quota)) totals[m] = (totals[m] ?? 0) + n;
      }
      await tx(TOTALS).delete();
      const rows = Object.entries(totals).map(([metric, leased]) => ({ metric, leased }));
      if (rows.length) await tx(TOTALS).insert(rows);
      return result;
    });
  }

  /** A transaction holding the allocation lock; retried when the database chose it to break a deadlock. */
  private async locked<T>(work: (tx: Knex.Transaction) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction(async tx => {
          if (this.postgres) {
            await tx(LOCK).where({ id: 1 }).forUpdate().first('id');
          } else {
            await tx(LOCK).where({ id: 1 }).increment('version', 1);
          }
          return work(tx);
        });
      } catch (e) {
        // A deadlock with a batch of renewals (rows locked in another order) fails one of the two: try again.
        if ((e as { code?: string }).code !== DEADLOCK || attempt >= 3) throw e;
      }
    }
  }

  async liveLeases(now: number) {
    const rows = await this.db(SITES)
      .whereNull('revoked_at')
      .whereNotNull('lease_terms')
      .where('lease_expires_at', '>', now)
      .select('id', 'lease_modules', 'lease_quota', 'lease_granted_at', 'lease_renewed_at', 'lease_expires_at');
    return rows.map(r => ({ siteId: String(r.id), lease: toLease(r) }));
  }
}
