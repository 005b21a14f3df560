// @ts-check

/**
 * Usage is kept per reporter: each reporter (a usage provider, or a service
 * by its principal) owns its own figure, and a metric's use is their sum. So
 * two services that each report their own hosts do not overwrite each other.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.renameTable('license_usage', 'license_usage_v1');
  await knex.schema.createTable('license_usage', table => {
    table.comment('Current use of each quota metric, per reporter; a metric uses the sum');
    table.string('metric', 64).notNullable();
    table.string('reporter', 256).notNullable().comment('provider:<id>, plugin:<id>, or another principal');
    table.bigInteger('used').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.primary(['metric', 'reporter'], 'license_usage_metric_reporter_pk');
  });
  await knex.raw(
    'INSERT INTO license_usage (metric, reporter, used, updated_at) SELECT metric, updated_by, used, updated_at FROM license_usage_v1',
  );
  await knex.schema.dropTable('license_usage_v1');
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.renameTable('license_usage', 'license_usage_v2');
  await knex.schema.createTable('license_usage', table => {
    table.comment('Current use of each quota metric, as last reported');
    table.string('metric', 64).primary();
    table.bigInteger('used').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.string('updated_by', 256).notNullable();
  });
  await knex.raw(
    "INSERT INTO license_usage (metric, used, updated_at, updated_by) SELECT metric, SUM(used), MAX(updated_at), 'migration' FROM license_usage_v2 GROUP BY metric",
  );
  await knex.schema.dropTable('license_usage_v2');
};
