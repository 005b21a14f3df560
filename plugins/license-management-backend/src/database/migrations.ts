import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

/** The plugin's migrations, shared by every store of the plugin. */
export const MIGRATIONS_DIR = resolvePackagePath('@backstage-licensing/plugin-license-management-backend', 'migrations');

/** Brings a database to the latest migration. */
export async function migrateToLatest(knex: Knex): Promise<void> {
  await knex.migrate.latest({ directory: MIGRATIONS_DIR });
}
