import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import { readLicenseAdminRefs } from '@backstage-licensing/plugin-license-management-node';
import { LicenseNotifier, type LicenseStatusSource } from './LicenseNotifier';

export const NOTICES_TASK_ID = 'license-management-notices';

/**
 * Starts the notifier: it follows the engine's changes and looks again
 * every hour on each replica (a local task), as time alone crosses the
 * 30/15/7/1-day thresholds.
 */
export async function startLicenseNotifications(options: {
  engine: LicenseStatusSource;
  notifications: NotificationService;
  signals: SignalsService;
  config: RootConfigService;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  logger: LoggerService;
}): Promise<LicenseNotifier> {
  const { logger } = options;
  // The refs the permission policy reads: group or user refs, namespace `default` unless given.
  const recipients = readLicenseAdminRefs(options.config);
  if (recipients.length === 0) {
    logger.info('licenseManagement.adminGroups names no group or user: no license notifications are sent.');
  }
  const notifier = new LicenseNotifier(options.engine, {
    notifications: options.notifications,
    signals: options.signals,
    recipients,
    logger,
  });
  notifier.start();
  options.lifecycle.addShutdownHook(() => notifier.stop());
  await options.scheduler.scheduleTask({
    id: NOTICES_TASK_ID,
    scope: 'local',
    frequency: { hours: 1 },
    initialDelay: { hours: 1 },
    timeout: { minutes: 5 },
    fn: () => notifier.check(),
  });
  return notifier;
}
