// @ts-check

/**
 * USB key licensing (PRODUCT.md §2.7): what each management node sees on its
 * USB bus, and the USB key state the replicas share (the key that was ready
 * last, when a fault began), so that a restart neither forgets the key nor
 * restarts the fault buffer.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('license_usb_nodes', table => {
    table.comment('What each management node last saw on its USB bus; written by that node, read by all');
    table.string('node', 200).primary().comment('licenseManagement.usbKey.nodeId, default the host name');
    table.boolean('available').notNullable().comment('false: no usable USB subsystem on that host');
    table.text('reason').nullable().comment('why the bus cannot be read');
    table.text('keys').notNullable().comment('JSON [{ serial, since }]: readable matching devices');
    table.text('faults').notNullable().comment('JSON [{ error, since }]: matching devices whose serial cannot be read');
    table.bigInteger('seen_at').notNullable().comment('when the node last looked (ms)');
  });
  await knex.schema.createTable('license_usb_state', table => {
    table.comment('The USB key state shared by the replicas (one row); changed by compare-and-set on version');
    table.integer('id').primary().comment('Always 1');
    table.bigInteger('version').notNullable();
    table.text('memory').nullable().comment('JSON UsbKeyMemory of -common');
  });
  await knex('license_usb_state').insert({ id: 1, version: 0, memory: null });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('license_usb_state');
  await knex.schema.dropTable('license_usb_nodes');
};
