import type {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { LicenseUsageProvider } from '@backstage-licensing/plugin-license-management-node';
import type { LicenseManagementSettings } from '../config';
import type { DefaultLicenseEngine } from '../service/DefaultLicenseEngine';
import { CatalogUsageProvider } from './CatalogUsageProvider';
import { checkUsageProviders, UsageRefresher } from './UsageRefresher';

export const USAGE_TASK_ID = 'license-management-usage-refresh';

/**
 * Puts the usage providers to work: the built-in catalog counts (when
 * configured) and those added by modules, refreshed on the configured
 * schedule by one replica at a time (a global task).
 */
export async function startUsageMetering(options: {
  settings: LicenseManagementSettings;
  providers: readonly LicenseUsageProvider[];
  engine: DefaultLicenseEngine;
  scheduler: SchedulerService;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
}): Promise<UsageRefresher | undefined> {
  const { settings, engine, logger } = options;
  const providers = [...options.providers];
  if (settings.usage.catalog.length > 0) {
    providers.unshift(
      new CatalogUsageProvider({ catalog: options.catalog, auth: options.auth, counts: settings.usage.catalog }),
    );
  }
  if (providers.length === 0) return undefined;
  checkUsageProviders(providers, settings.catalog);
  const refresher = new UsageRefresher({ providers, sink: engine, logger });
  await options.scheduler.scheduleTask({
    id: USAGE_TASK_ID,
    scope: 'global',
    ...settings.usage.schedule,
    fn: () => refresher.refresh(),
  });
  logger.info(
    `License usage metering: ${providers.map(p => `${p.id} (${p.metrics.join(', ')})`).join('; ')}`,
  );
  return refresher;
}
