import type { LoggerService } from '@backstage/backend-plugin-api';
import { MIGRATIONS_DIR } from './migrations';
import type { Knex } from 'knex';
import { join } from 'node:path';

/**
 * Free-text search of the records (`q`): license id, item, actor or detail
 * contain the text, ignoring case; `%`, `_`, `\` and quotes are plain
 * characters. How the rows are found depends on the database:
 *
 * - `fts5` (SQLite): the FTS5 trigram table of migration 20261206000000, a
 *   phrase query, read newest first.
 * - `pg_trgm` (PostgreSQL): the trigram GIN indexes of the same migration.
 * - `none`: the index could not be created; every search scans (slow over
 *   many records; the store warns at start).
 *
 * A trigram index cannot serve a text of fewer than 3 characters, so such a
 * search is a bounded scan on every database: each page reads at most
 * SHORT_SEARCH_WINDOW records (with the other filters) below the cursor and
 * returns those that match, so a page may hold fewer than `limit` records —
 * even none — while `nextCursor` is not null; `nextCursor` is null only when
 * no record is left to read.
 */
export type SearchIndex = 'fts5' | 'pg_trgm' | 'none';

export const SEARCH_COLUMNS = ['license_id', 'item', 'actor', 'detail'] as const;
type SearchColumn = (typeof SEARCH_COLUMNS)[number];

/** The shortest text a trigram index serves. */
export const MIN_INDEXED_SEARCH = 3;
/** Records read per page by a search of fewer than 3 characters. */
export const SHORT_SEARCH_WINDOW = 2_000;

const MIGRATION = '20261206000000_records_search.js';

/** Length in characters (code points), as the trigram tokenizers count. */
export function searchLength(text: string): number {
  return Array.from(text).length;
}

/** A LIKE pattern (escape `\`) for rows containing `text`, its `%`, `_` and `\` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, c => `\\${c}`)}%`;
}

/** An FTS5 string: with the trigram tokenizer, a phrase that matches rows containing `text`, ignoring case. */
export function ftsPhrase(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * Parts of `text` that every row containing it contains too, each cheaper to
 * look up in a pg_trgm index than the whole text when the whole text shares
 * common parts with most rows (e.g. `lic-` in `lic-99999`). A piece is a run
 * of ASCII letters and digits with the ASCII character on each side of it,
 * if any: the word boundaries pg_trgm pads, so a piece's trigrams are exactly
 * those the whole text's pattern has for that word. Pieces without a trigram
 * are left out.
 */
export function textPieces(text: string): string[] {
  const chars = Array.from(text);
  const ascii = (c: string | undefined) => c !== undefined && c.charCodeAt(0) < 128;
  const pieces = new Set<string>();
  let i = 0;
  while (i < chars.length) {
    if (!/^[A-Za-z0-9]$/.test(chars[i])) {
      i++;
      continue;
    }
    let end = i;
    while (end < chars.length && /^[A-Za-z0-9]$/.test(chars[end])) end++;
    const before = ascii(chars[i - 1]);
    const after = ascii(chars[end]);
    // pg_trgm pads a word with two blanks before and one after at word boundaries.
    if (end - i + (before ? 2 : 0) + (after ? 1 : 0) >= 3) {
      pieces.add(chars.slice(before ? i - 1 : i, after ? end + 1 : end).join(''));
    }
    i = end;
  }
  return [...pieces];
}

/**
 * pg_trgm: records read newest first below the cursor before the index is
 * asked. A bitmap index scan reads every match, wherever it lies, before it
 * can sort them newest first: slower than reading newest first when matches
 * are common (`admin`: all of them). So a text found at least `limit + 1`
 * times in this many records is answered by that reading.
 */
export const PROBE_WINDOW = 2_000;

/** Records read to estimate how common a piece is. */
const SAMPLE_SIZE = 1_000;
const SAMPLE_MS = 60_000;
/** A piece in more of the sample than this is too common to look up. */
const PIECE_MAX_SHARE = 0.1;
/** Pieces whose estimated matches together exceed this share are not worth it: the whole text is looked up. */
const PIECES_MAX_SHARE = 0.03;
const PIECES_PER_COLUMN = 3;

type Sample = Record<SearchColumn, string[]>;

/** Which text index the records have, and how to ask it. */
export class RecordSearch {
  private sample?: { at: number; rows: Promise<Sample> };

  private constructor(
    private readonly db: Knex,
    readonly index: SearchIndex,
  ) {}

  /**
   * Finds the text index of this database; when the migration could not make
   * it (no pg_trgm extension then), tries again and warns when it still cannot.
   */
  static async open(db: Knex, logger?: LoggerService): Promise<RecordSearch> {
    let index = await findIndex(db);
    if (index === 'none') {
      let problem: string;
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const migration = require(join(MIGRATIONS_DIR, MIGRATION));
        const made = (await migration.createRecordsSearch(db)) as { created: boolean; problem?: string };
        problem = made.problem ?? '';
      } catch (e) {
        problem = (e as Error).message;
      }
      index = await findIndex(db);
      if (index === 'none') {
        logger?.warn(
          `Records search has no text index (${problem}): GET /records?q= scans the records, which is slow over many of them. ` +
            'On PostgreSQL, have a superuser run CREATE EXTENSION pg_trgm in this database; the plugin creates its indexes at its next start.',
        );
      } else {
        logger?.info(`Records search: created the ${index} text index.`);
      }
    }
    return new RecordSearch(db, index);
  }

  /**
   * For pg_trgm: per column, the pieces of `text` to look up instead of the
   * whole text (rechecked against the whole text), rarest first; none when no
   * piece is rare in a sample of the newest records, then the whole text is
   * looked up and the planner weighs it against reading newest first.
   */
  async piecesByColumn(text: string): Promise<Record<SearchColumn, string[]>> {
    const pieces = textPieces(text);
    const sample = await this.recentSample();
    const plan = {} as Record<SearchColumn, string[]>;
    for (const column of SEARCH_COLUMNS) {
      const values = sample[column];
      // Shares as estimated from the sample: a piece it does not hold counts half a record.
      const share = (count: number) => (count + 0.5) / (values.length + 1);
      const rare = pieces
        .map(piece => {
          const lower = piece.toLowerCase();
          return { piece, share: share(values.filter(v => v.includes(lower)).length) };
        })
        .filter(p => p.share <= PIECE_MAX_SHARE)
        .sort((a, b) => a.share - b.share || b.piece.length - a.piece.length)
        .slice(0, PIECES_PER_COLUMN);
      const together = rare.reduce((product, p) => product * p.share, 1);
      plan[column] = rare.length > 0 && together <= PIECES_MAX_SHARE ? rare.map(p => p.piece) : [];
    }
    return plan;
  }

  private recentSample(): Promise<Sample> {
    const now = Date.now();
    if (!this.sample || now - this.sample.at > SAMPLE_MS) {
      const rows = this.db('license_records')
        .select(...SEARCH_COLUMNS)
        .orderBy('seq', 'desc')
        .limit(SAMPLE_SIZE)
        .then(found => {
          const sample = Object.fromEntries(SEARCH_COLUMNS.map(c => [c, [] as string[]])) as Sample;
          for (const row of found) {
            for (const c of SEARCH_COLUMNS) if (row[c] !== null) sample[c].push(String(row[c]).toLowerCase());
          }
          return sample;
        });
      this.sample = { at: now, rows };
      rows.catch(() => {
        if (this.sample?.rows === rows) this.sample = undefined;
      });
    }
    return this.sample.rows;
  }
}

async function findIndex(db: Knex): Promise<SearchIndex> {
  const client = String(db.client.config.client);
  if (/sqlite/.test(client)) {
    const row = await db('sqlite_master').where({ type: 'table', name: 'license_records_search' }).first();
    return row ? 'fts5' : 'none';
  }
  if (/^(pg|postgres|postgresql)$/.test(client)) {
    const names = SEARCH_COLUMNS.map(c => `license_records_${c}_trgm_idx`);
    const { rows } = await db.raw(
      'SELECT count(*) AS n FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ? AND indexname = ANY(?)',
      ['license_records', names],
    );
    return Number(rows[0].n) === names.length ? 'pg_trgm' : 'none';
  }
  return 'none';
}
