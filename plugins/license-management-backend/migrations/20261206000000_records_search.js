// @ts-check

/**
 * Free-text search of the records (`GET /records?q=`: license id, item, actor
 * and detail, ignoring case, anywhere in the text) is read from a text index
 * instead of scanning every record:
 *
 * - PostgreSQL: the pg_trgm extension and one trigram GIN index per column.
 *   When the extension cannot be created (pg_trgm not installed, or a role
 *   that may not create it), the migration still succeeds without the indexes;
 *   the store then searches by scanning, logs a warning at every start, and
 *   creates the indexes at the first start after the extension can be created.
 * - SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34 or later),
 *   contentless, keyed by -seq (so "newest first" is FTS5's ascending order,
 *   the order it seeks fast), kept by triggers in the same transaction as the
 *   insert, update or delete of the record.
 *
 * Existing records are indexed by this migration. A later migration that
 * rebuilds license_records on SQLite (knex does so for some alterTable
 * changes) drops the triggers with it and must run createRecordsSearch again.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await exports.createRecordsSearch(knex);
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  if (isPostgres(knex)) {
    for (const column of COLUMNS) await knex.raw(`DROP INDEX IF EXISTS ${pgIndexName(column)}`);
    // The extension stays: other schemas or plugins of the database may use it.
  } else if (isSqlite(knex)) {
    for (const suffix of ['insert', 'update', 'delete']) await knex.raw(`DROP TRIGGER IF EXISTS license_records_search_${suffix}`);
    await knex.raw('DROP TABLE IF EXISTS license_records_search');
  }
};

const COLUMNS = ['license_id', 'item', 'actor', 'detail'];

/** @param {string} column */
function pgIndexName(column) {
  return `license_records_${column}_trgm_idx`;
}

/** @param {import('knex').Knex} knex */
function isPostgres(knex) {
  return /^(pg|postgres|postgresql)$/.test(String(knex.client.config.client));
}

/** @param {import('knex').Knex} knex */
function isSqlite(knex) {
  return /sqlite/.test(String(knex.client.config.client));
}

/**
 * Creates the search index of this database if it is not there (idempotent).
 * Never throws for a database that cannot have it: answers why instead.
 *
 * @param {import('knex').Knex} knex
 * @returns {Promise<{ created: boolean, problem?: string }>}
 */
exports.createRecordsSearch = async function createRecordsSearch(knex) {
  if (isPostgres(knex)) return createPgTrgmIndexes(knex);
  if (isSqlite(knex)) return createFts5Table(knex);
  return { created: false, problem: `no text index for the ${String(knex.client.config.client)} client` };
};

/** @param {import('knex').Knex} knex */
async function createPgTrgmIndexes(knex) {
  try {
    // A savepoint inside the migration's transaction: a refused CREATE
    // EXTENSION must not abort the transaction of the other migrations.
    await knex.transaction(tx => tx.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm'));
  } catch (e) {
    return { created: false, problem: `CREATE EXTENSION pg_trgm failed: ${/** @type {Error} */ (e).message}` };
  }
  // The operator class lives in the schema the extension was created in,
  // which need not be on this connection's search path.
  const { rows } = await knex.raw(
    "SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'",
  );
  const opclass = `${quoteIdent(rows[0].schema)}.gin_trgm_ops`;
  // A small GIN pending list: an insert appends its trigrams to it instead of
  // updating each posting tree (21 records took 14 - 34 ms instead of ~5
  // without it), and every search reads it whole, so it is kept to 64 kB
  // (the default, up to 4 MB until a vacuum merges it, cost searches ~20 ms).
  for (const column of COLUMNS) {
    await knex.raw(
      `CREATE INDEX IF NOT EXISTS ${pgIndexName(column)} ON license_records USING gin (${column} ${opclass}) WITH (fastupdate = on, gin_pending_list_limit = 64)`,
    );
  }
  return { created: true };
}

/** @param {import('knex').Knex} knex */
async function createFts5Table(knex) {
  try {
    await knex.raw(
      "CREATE VIRTUAL TABLE license_records_search USING fts5(license_id, item, actor, detail, content='', contentless_delete=1, tokenize='trigram')",
    );
  } catch (e) {
    const [{ version }] = await knex.raw('SELECT sqlite_version() AS version');
    return {
      created: false,
      problem: `this SQLite (${version}) cannot create an FTS5 trigram table (needs FTS5 and SQLite 3.43 or later): ${/** @type {Error} */ (e).message}`,
    };
  }
  const values = '(-new.seq, new.license_id, new.item, new.actor, new.detail)';
  await knex.raw(`CREATE TRIGGER license_records_search_insert AFTER INSERT ON license_records BEGIN
    INSERT INTO license_records_search (rowid, license_id, item, actor, detail) VALUES ${values};
  END`);
  await knex.raw(`CREATE TRIGGER license_records_search_update AFTER UPDATE ON license_records BEGIN
    DELETE FROM license_records_search WHERE rowid = -old.seq;
    INSERT INTO license_records_search (rowid, license_id, item, actor, detail) VALUES ${values};
  END`);
  await knex.raw(`CREATE TRIGGER license_records_search_delete AFTER DELETE ON license_records BEGIN
    DELETE FROM license_records_search WHERE rowid = -old.seq;
  END`);
  await knex.raw(
    'INSERT INTO license_records_search (rowid, license_id, item, actor, detail) SELECT -seq, license_id, item, actor, detail FROM license_records',
  );
  return { created: true };
}

/** @param {string} name */
function quoteIdent(name) {
  return `"${name.replace(/"/g, '""')}"`;
}
