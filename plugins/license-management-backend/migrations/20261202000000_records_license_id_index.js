// @ts-check

/**
 * The history of one license (`GET /records?licenseId=`) is read by index,
 * newest first, instead of scanning every record.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('license_records', table => {
    table.index(['license_id', 'seq'], 'license_records_license_id_seq_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('license_records', table => {
    table.dropIndex(['license_id', 'seq'], 'license_records_license_id_seq_idx');
  });
};
