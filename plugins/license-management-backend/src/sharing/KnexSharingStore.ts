import { type DatabaseService, resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { termsKey } from '@backstage-licensing/plugin-license-management-common';
import { insertRecords } from '../database/KnexLicenseStore';
import { type Renewal, RenewalBatcher } from './renewalBatch';
import type { LeaseChange, LeaseState, NewSite, SharingStore, StoredLease, StoredSite, SweepState } from './SharingStore';

const SITES = 'license_sharing_sites';
const LOCK = 'license_sharing_lock';
const TOTALS = 'license_sharing_totals';
type Row = Record<string, any>;
const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));

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

const NO_LEASE = {
  lease_terms: null,
  lease_modules: null,
  lease_quota: null,
  lease_granted_at: null,
  lease_renewed_at: null,
  lease_expires_at: null,
};

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
    await knex.migrate.latest({
      directory: resolvePackagePath('@backstage-licensing/plugin-license-management-backend', 'migrations'),
    });
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
      await write(tx, change);
      await addTotals(tx, totalsDelta(change, known));
      return result;
    });
  }

  async sweepLeases<T>(decide: (state: SweepState) => { change: LeaseChange; result: T }): Promise<T> {
    return this.locked(async tx => {
      const holders = (await tx(SITES).whereNull('revoked_at').whereNotNull('lease_terms').orderBy('id')).map(toSite);
      const { change, result } = decide({ holders });
      await write(tx, change);
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

async function write(tx: Knex.Transaction, change: LeaseChange) {
  const ended = change.end ?? [];
  for (let i = 0; i < ended.length; i += 50) {
    await tx(SITES).whereIn('id', ended.slice(i, i + 50)).update(NO_LEASE);
  }
  if (change.revoke) {
    await tx(SITES)
      .where({ id: change.revoke.siteId })
      .update({ ...NO_LEASE, revoked_at: change.revoke.at, revoked_by: change.revoke.actor });
  }
  if (change.set) {
    const { lease } = change.set;
    await tx(SITES)
      .where({ id: change.set.siteId })
      .update({
        lease_terms: termsKey(lease),
        lease_modules: JSON.stringify(lease.modules),
        lease_quota: JSON.stringify(lease.quota),
        lease_granted_at: lease.grantedAt,
        lease_renewed_at: lease.renewedAt,
        lease_expires_at: lease.expiresAt,
      });
  }
  if (change.seen) {
    await tx(SITES).where({ id: change.seen.siteId }).update({ last_seen_at: change.seen.at });
  }
  if (change.records?.length) await insertRecords(tx, change.records);
}

/**
 * What a change does to the totals: the leases it ends or replaces (their
 * stored quota, from `known`) out, the new lease in.
 */
export function totalsDelta(change: LeaseChange, known: ReadonlyMap<string, StoredLease>): Record<string, number> {
  const delta: Record<string, number> = {};
  const add = (quota: Record<string, number>, sign: number) => {
    for (const [m, n] of Object.entries(quota)) delta[m] = (delta[m] ?? 0) + sign * n;
  };
  for (const id of change.end ?? []) {
    if (!known.has(id)) throw new Error(`A lease transaction ended the lease of site ${id}, which it did not read.`);
  }
  const out = new Set([...(change.end ?? []), ...(change.revoke ? [change.revoke.siteId] : []), ...(change.set ? [change.set.siteId] : [])]);
  for (const id of out) {
    const lease = known.get(id);
    if (lease) add(lease.quota, -1);
  }
  if (change.set) add(change.set.lease.quota, 1);
  return delta;
}

async function addTotals(tx: Knex.Transaction, delta: Record<string, number>) {
  for (const [metric, n] of Object.entries(delta)) {
    if (n === 0) continue;
    await tx(TOTALS)
      .insert({ metric, leased: n })
      .onConflict('metric')
      .merge({ leased: tx.raw('?? + ?', [`${TOTALS}.leased`, n]) });
  }
}

function toLease(row: Row): StoredLease {
  return {
    modules: JSON.parse(row.lease_modules),
    quota: JSON.parse(row.lease_quota),
    grantedAt: Number(row.lease_granted_at),
    renewedAt: Number(row.lease_renewed_at),
    expiresAt: Number(row.lease_expires_at),
  };
}

function toSite(row: Row): StoredSite {
  return {
    id: String(row.id),
    name: String(row.name),
    createdAt: Number(row.created_at),
    createdBy: String(row.created_by),
    ...(row.last_seen_at !== null ? { lastSeenAt: num(row.last_seen_at) } : {}),
    ...(row.revoked_at !== null ? { revokedAt: num(row.revoked_at) } : {}),
    ...(row.lease_terms !== null ? { lease: toLease(row) } : {}),
  };
}
