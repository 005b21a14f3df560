import type { Knex } from 'knex';
import type { LicenseRecord, RecordPage } from '@backstage-licensing/plugin-license-management-common';
import type { RecordFilter, RecordQuery } from './LicenseStore';
import { decodeRecordCursor, encodeRecordCursor } from './recordCursor';
import {
  containsPattern,
  ftsPhrase,
  MIN_INDEXED_SEARCH,
  PROBE_WINDOW,
  type RecordSearch,
  SEARCH_COLUMNS,
  searchLength,
  SHORT_SEARCH_WINDOW,
} from './recordSearch';

type Row = Record<string, any>;

/**
 * A page of `GET /records`: newest first (by seq), the records older than the
 * opaque cursor, with the filters and the free text (recordSearch.ts). Pages
 * of filters alone read the primary key or a `(column, seq)` index from the
 * cursor on, so a deep page costs what the first does.
 */
export async function listRecordPage(db: Knex, search: RecordSearch, query: RecordQuery): Promise<RecordPage> {
  const { limit, filter = {} } = query;
  const before = query.cursor === undefined ? undefined : decodeRecordCursor(query.cursor);
  const text = filter.q;
  const below = () => {
    const q = db('license_records').orderBy('seq', 'desc');
    if (before !== undefined) q.where('seq', '<', before);
    whereFilter(q, filter);
    return q;
  };
  if (text && searchLength(text) < MIN_INDEXED_SEARCH) return shortTextPage(db, below, limit, text);

  let rows: Row[];
  if (text && search.index === 'fts5') {
    // FTS5 rowids are -seq: newest first is ascending, the order FTS5 seeks fast.
    const q = db('license_records_search as s')
      .joinRaw('JOIN license_records AS r ON r.seq = -s.rowid AND s.rowid = -r.seq')
      .select('r.*')
      .whereRaw('license_records_search MATCH ?', [ftsPhrase(text)])
      .orderByRaw('s.rowid ASC')
      .limit(limit + 1);
    // An integer, not the REAL a JS number binds as: FTS5 seeks only to integer rowids.
    if (before !== undefined) q.whereRaw('s.rowid > -CAST(? AS INTEGER)', [before]);
    whereFilter(q, filter, 'r.');
    rows = await q;
  } else if (text && search.index === 'pg_trgm') {
    // One statement: reading newest first (PROBE_WINDOW), and only when that
    // does not fill the page (a one-time filter), the trigram indexes.
    const probe = db
      .from(below().select('*').limit(PROBE_WINDOW).as('w'))
      .select('*', db.raw('0 AS lm_branch'))
      .orderBy('seq', 'desc')
      .limit(limit + 1);
    whereContains(probe, containsPattern(text));
    const indexed = below().limit(limit + 1);
    await whereText(indexed, search, text);
    const both: Row[] = await db
      .with('probe', probe)
      .select('*')
      .from('probe')
      .unionAll(
        db
          .from(indexed.as('x'))
          .select('*', db.raw('1 AS lm_branch'))
          .whereRaw('(SELECT count(*) FROM probe) <= ?', [limit]),
      );
    const probed = both.filter(r => Number(r.lm_branch) === 0);
    rows = probed.length > limit ? probed : both.filter(r => Number(r.lm_branch) === 1);
  } else {
    const q = below().limit(limit + 1);
    if (text) await whereText(q, search, text);
    rows = await q;
  }
  const page = rows.slice(0, limit);
  return {
    items: page.map(toRecord),
    nextCursor: rows.length > limit ? encodeRecordCursor(Number(page[page.length - 1].seq)) : null,
  };
}

/** Free text on PostgreSQL, or on a database without its text index. */
async function whereText(q: Knex.QueryBuilder, search: RecordSearch, text: string) {
  const pattern = containsPattern(text);
  if (search.index !== 'pg_trgm') {
    whereContains(q, pattern);
    return;
  }
  // Each column's rare pieces are looked up in its trigram index, then the
  // whole text is checked (lower() LIKE: not served by the index); a column
  // without rare pieces looks the whole text up (ILIKE: served by it).
  const pieces = await search.piecesByColumn(text);
  q.where(any => {
    for (const column of SEARCH_COLUMNS) {
      any.orWhere(arm => {
        if (pieces[column].length === 0) {
          arm.whereRaw(`${column} ILIKE ?`, [pattern]);
          return;
        }
        for (const piece of pieces[column]) arm.whereRaw(`${column} ILIKE ?`, [containsPattern(piece)]);
        arm.whereRaw(`lower(${column}) LIKE lower(?)`, [pattern]);
      });
    }
  });
}

/**
 * Free text shorter than a trigram: reads at most SHORT_SEARCH_WINDOW records
 * below the cursor (with the filters) and returns those that match; the next
 * cursor is where the reading stopped, null when no record is left.
 */
async function shortTextPage(db: Knex, below: () => Knex.QueryBuilder, limit: number, text: string): Promise<RecordPage> {
  const hits = db
    .from(below().select('*').limit(SHORT_SEARCH_WINDOW).as('w'))
    .orderBy('seq', 'desc')
    .limit(limit + 1);
  whereContains(hits, containsPattern(text));
  // In the same statement: the last record read and the one after it, if any.
  const rows: Row[] = await db
    .from(hits.as('h'))
    .select('*', db.raw('0 AS lm_edge'))
    .unionAll(db.from(below().offset(SHORT_SEARCH_WINDOW - 1).limit(2).as('e')).select('*', db.raw('1 AS lm_edge')));
  const found = rows.filter(r => Number(r.lm_edge) === 0).sort((a, b) => Number(b.seq) - Number(a.seq));
  const edge = rows.filter(r => Number(r.lm_edge) === 1).sort((a, b) => Number(b.seq) - Number(a.seq));
  const page = found.slice(0, limit);
  let nextCursor: string | null = null;
  if (found.length > limit) nextCursor = encodeRecordCursor(Number(page[page.length - 1].seq));
  else if (edge.length === 2) nextCursor = encodeRecordCursor(Number(edge[0].seq));
  return { items: page.map(toRecord), nextCursor };
}

function whereFilter(q: Knex.QueryBuilder, filter: RecordFilter, prefix = '') {
  if (filter.type) q.where(`${prefix}license_type`, filter.type);
  if (filter.item) q.where(`${prefix}item`, filter.item);
  if (filter.method) q.where(`${prefix}method`, filter.method);
  if (filter.state) q.where(`${prefix}state`, filter.state);
  if (filter.action) q.where(`${prefix}action`, filter.action);
  if (filter.licenseId) q.where(`${prefix}license_id`, filter.licenseId);
}

/** Rows where a search column contains `pattern` (containsPattern), ignoring case, by reading them. */
function whereContains(q: Knex.QueryBuilder, pattern: string) {
  q.where(any => {
    for (const column of SEARCH_COLUMNS) any.orWhereRaw(`lower(${column}) LIKE lower(?) ESCAPE '\\'`, [pattern]);
  });
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());

function toRecord(row: Row): LicenseRecord {
  return {
    id: String(row.seq),
    time: iso(row.time)!,
    action: row.action,
    licenseId: row.license_id ?? null,
    type: row.license_type ?? null,
    item: row.item ?? null,
    method: row.method ?? null,
    quota: JSON.parse(row.quota),
    state: row.state ?? null,
    issuedAt: iso(row.issued_at),
    expiresAt: iso(row.expires_at),
    actor: row.actor,
    detail: row.detail ?? null,
  };
}
