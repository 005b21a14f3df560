import type {
  DatabaseService,
  LifecycleService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { readSharingSettings } from './config';
import { KnexSharingStore } from './KnexSharingStore';
import { type LeaseEngine, LeaseServer } from './LeaseServer';

export const LEASE_REAPER_TASK_ID = 'license-management-lease-reaper';

/**
 * This portal as a license server (`licenseManagement.sharing`, PRODUCT.md
 * §2.6): the LeaseServer of this replica, its view of the quota leased now
 * (re-read every `syncIntervalMs`) and the reaper, a global scheduled task
 * that ends expired leases and those the licenses no longer cover, on one
 * replica at a time. Allocation ignores an expired lease at once, reaper or
 * not; the reaper writes the records and returns the quota to the pool's view.
 */
export async function startLicenseSharing(options: {
  config: RootConfigService;
  database: DatabaseService;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  logger: LoggerService;
  engine: LeaseEngine;
  syncIntervalMs: number;
}): Promise<LeaseServer> {
  const settings = readSharingSettings(options.config);
  const store = await KnexSharingStore.create(options.database);
  const server = new LeaseServer({ store, engine: options.engine, settings, logger: options.logger });
  if (!settings.enabled) return server;
  await server.start(options.syncIntervalMs);
  options.lifecycle.addShutdownHook(() => server.stop());
  const every = Math.min(30_000, Math.max(1000, Math.floor(settings.leaseTtlMs / 2)));
  await options.scheduler.scheduleTask({
    id: LEASE_REAPER_TASK_ID,
    scope: 'global',
    frequency: { milliseconds: every },
    timeout: { minutes: 1 },
    fn: async () => {
      await server.sweep();
    },
  });
  options.logger.info(`License sharing is on: this portal is a license server (leases end ${settings.leaseTtlMs / 1000} s after their last renewal).`);
  return server;
}
