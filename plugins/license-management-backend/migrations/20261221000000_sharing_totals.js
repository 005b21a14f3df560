// @ts-check

/**
 * The quota leased per metric, kept by every lease transaction under the
 * allocation lock (PRODUCT.md §2.6): the sum of the leases not ended yet
 * (live, or past their expiry and not ended). A grant then reads one small
 * table and the few leases past their expiry instead of every lease, so its
 * cost does not grow with the number of client sites. The reaper recomputes
 * it from the leases. Filled from the leases that exist.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('license_sharing_totals', table => {
    table.comment('Quota leased per metric: the sum of the leases not ended');
    table.string('metric', 64).primary();
    table.bigInteger('leased').notNullable();
  });
  /** @type {Record<string, number>} */
  const totals = {};
  const rows = await knex('license_sharing_sites').whereNull('revoked_at').whereNotNull('lease_quota').select('lease_quota');
  for (const row of rows) {
    for (const [metric, n] of Object.entries(JSON.parse(row.lease_quota))) totals[metric] = (totals[metric] ?? 0) + Number(n);
  }
  const entries = Object.entries(totals).map(([metric, leased]) => ({ metric, leased }));
  if (entries.length) await knex('license_sharing_totals').insert(entries);
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('license_sharing_totals');
};
