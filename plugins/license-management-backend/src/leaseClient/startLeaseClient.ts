import type { DatabaseService, LifecycleService, LoggerService, RootConfigService } from '@backstage/backend-plugin-api';
import type { LicenseCatalog } from '@backstage-licensing/plugin-license-management-common';
import { readLeaseClientSettings } from './config';
import { LeaseClient } from './LeaseClient';
import { LeaseClientStore } from './LeaseClientStore';

/**
 * This portal as a client site (`licenseManagement.server`, or `PUT /server`
 * at runtime; PRODUCT.md §2.6): the LeaseClient of this replica with the
 * state stored before (a lease taken before a restart holds until its grace
 * ends). `start()` it once the engine listens to it: it leases at once, then
 * renews every renewInterval.
 */
export async function createLeaseClient(options: {
  config: RootConfigService;
  database: DatabaseService;
  logger: LoggerService;
  lifecycle: LifecycleService;
  catalog: LicenseCatalog;
  clock?: () => number;
}): Promise<LeaseClient> {
  const settings = readLeaseClientSettings(options.config, options.catalog);
  const store = await LeaseClientStore.create(options.database);
  const client = new LeaseClient({ store, settings, clock: options.clock ?? Date.now, logger: options.logger });
  await client.load();
  options.lifecycle.addShutdownHook(() => client.stop());
  if (settings.config) options.logger.info(`Server licensing: this portal leases from ${settings.config.url} (licenseManagement.server, unless set at runtime).`);
  return client;
}
