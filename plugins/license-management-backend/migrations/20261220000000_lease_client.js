// @ts-check

/**
 * Server licensing, the client site (PRODUCT.md §2.6): one row with
 *
 * - the runtime setting of `PUT /server` / `DELETE /server`: `setting_mode`
 *   null (none: `licenseManagement.server` in config applies), 'runtime'
 *   (the url, credential and terms here win over config) or 'off' (local
 *   licensing, config or not). The credential is kept as given: the site
 *   must present it to its server; no route ever returns it.
 * - the lease state every replica of the site shares (`state`, JSON: status,
 *   url, lease, lastContactAt, graceUntil, message), written by compare-and-set
 *   on `state_version`, so each change is recorded once, and a restart keeps
 *   the lease until its grace ends.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('license_lease_client', table => {
    table.comment('This portal as a client site of a license server (PRODUCT.md §2.6)');
    table.integer('id').primary();
    table.string('setting_mode', 16).nullable().comment("null: config; 'runtime': the columns below; 'off': local licensing");
    table.text('setting_url').nullable();
    table.text('setting_credential').nullable().comment('The site credential, never returned by any route');
    table.text('setting_modules').nullable();
    table.text('setting_quota').nullable();
    table.bigInteger('setting_changed_at').nullable();
    table.string('setting_changed_by', 256).nullable();
    table.text('state').nullable().comment('The lease state (JSON), shared by the replicas');
    table.bigInteger('state_version').notNullable();
  });
  await knex('license_lease_client').insert({ id: 1, state_version: 0 });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('license_lease_client');
};
