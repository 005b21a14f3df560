// @ts-check

/**
 * Server licensing (PRODUCT.md §2.6): the client sites registered on a
 * license server, each with its single lease on the same row, and the row
 * every allocation locks.
 *
 * - license_sharing_sites: one row per client site. The credential is kept
 *   only as its SHA-256 (the credential is 256 random bits). A revoked site
 *   keeps its row (revoked_at set) so its id is never reused. The lease
 *   columns are all null when the site holds no lease; `lease_terms` is the
 *   canonical text of the terms (termsKey), compared by a renewal that changes
 *   nothing, which only moves lease_expires_at.
 * - license_sharing_lock: one row; every change of a lease's terms locks it
 *   (SELECT ... FOR UPDATE on PostgreSQL) for the length of its transaction,
 *   so allocations by every replica are serialized and cannot over-allocate.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('license_sharing_sites', table => {
    table.comment('Client sites of a license server, each with its lease (PRODUCT.md §2.6)');
    table.string('id', 64).primary();
    table.string('name', 128).notNullable();
    table.string('credential_hash', 64).notNullable().comment('SHA-256 of the site credential, hex');
    table.bigInteger('created_at').notNullable();
    table.string('created_by', 256).notNullable();
    table.bigInteger('revoked_at').nullable();
    table.string('revoked_by', 256).nullable();
    table.bigInteger('last_seen_at').nullable().comment('The last lease request that authenticated');
    table.text('lease_terms').nullable().comment('Canonical terms (modules and quota), null without a lease');
    table.text('lease_modules').nullable();
    table.text('lease_quota').nullable();
    table.bigInteger('lease_granted_at').nullable();
    table.bigInteger('lease_renewed_at').nullable();
    table.bigInteger('lease_expires_at').nullable();
  });
  await knex.schema.createTable('license_sharing_lock', table => {
    table.comment('One row, locked by every allocation of leases');
    table.integer('id').primary();
    table.bigInteger('version').notNullable();
  });
  await knex('license_sharing_lock').insert({ id: 1, version: 0 });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('license_sharing_lock');
  await knex.schema.dropTable('license_sharing_sites');
};
