// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('license_installation', table => {
    table.comment('The identity of this installation, created once and shared by every replica');
    table.integer('id').primary().comment('Always 1: one row');
    table.string('key_id', 64).notNullable();
    table.text('public_key').notNullable().comment('Ed25519, SPKI PEM');
    table.text('private_key').notNullable().comment('Ed25519, PKCS#8 PEM');
    table.bigInteger('created_at').notNullable();
  });

  await knex.schema.createTable('license_licenses', table => {
    table.comment('Installed license tokens; deleted ones are kept with deleted_at set');
    table.bigIncrements('seq').primary().comment('Upload order: the higher, the later');
    table.string('id', 128).notNullable().unique().comment('The jti claim');
    table.text('token').notNullable();
    table.string('type', 8).notNullable();
    table.string('item', 64).notNullable();
    table.string('method', 16).notNullable();
    table.string('key_id', 256).notNullable();
    table.string('issuer', 256).notNullable();
    table.string('customer', 256).nullable();
    table.text('quota').notNullable();
    table.bigInteger('issued_at').notNullable();
    table.bigInteger('not_before').nullable();
    table.bigInteger('expires_at').notNullable();
    table.bigInteger('uploaded_at').notNullable();
    table.string('uploaded_by', 256).notNullable();
    table.bigInteger('deleted_at').nullable();
    table.string('deleted_by', 256).nullable();
    table.boolean('expiry_recorded').notNullable().defaultTo(false);
  });

  await knex.schema.createTable('license_records', table => {
    table.comment('Append-only licensing history');
    table.bigIncrements('seq').primary();
    table.bigInteger('time').notNullable();
    table.string('action', 16).notNullable();
    table.string('license_id', 128).nullable();
    table.string('license_type', 8).nullable();
    table.string('item', 64).nullable();
    table.string('method', 16).nullable();
    table.text('quota').notNullable();
    table.string('state', 16).nullable();
    table.bigInteger('issued_at').nullable();
    table.bigInteger('expires_at').nullable();
    table.string('actor', 256).notNullable();
    table.text('detail').nullable();
    table.index(['license_type', 'seq'], 'license_records_type_seq_idx');
    table.index(['item', 'seq'], 'license_records_item_seq_idx');
    table.index(['method', 'seq'], 'license_records_method_seq_idx');
    table.index(['state', 'seq'], 'license_records_state_seq_idx');
    table.index(['action', 'seq'], 'license_records_action_seq_idx');
  });

  await knex.schema.createTable('license_usage', table => {
    table.comment('Current use of each quota metric, as last reported');
    table.string('metric', 64).primary();
    table.bigInteger('used').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.string('updated_by', 256).notNullable();
  });

  await knex.schema.createTable('license_meta', table => {
    table.comment('Small shared values: revision counter, clock high-water mark');
    table.string('key', 64).primary();
    table.bigInteger('value').notNullable();
  });
  await knex('license_meta').insert([
    { key: 'revision', value: 0 },
    { key: 'high_water', value: 0 },
  ]);
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('license_meta');
  await knex.schema.dropTable('license_usage');
  await knex.schema.dropTable('license_records');
  await knex.schema.dropTable('license_licenses');
  await knex.schema.dropTable('license_installation');
};
