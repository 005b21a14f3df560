import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  LICENSE_STATUS_SIGNAL_CHANNEL,
  licenseNotices,
  type Evaluation,
  type LicenseCatalog,
  type LicenseNotice,
  type LicenseStatusSignal,
} from '@backstage-licensing/plugin-license-management-common';

/** Where the notifier reads the status: the license engine. */
export interface LicenseStatusSource {
  readonly catalog: LicenseCatalog;
  evaluation(): Evaluation;
  /** Calls `listener` with the revision now and after every change. */
  onChange(listener: (revision: number) => void): () => void;
}

export interface LicenseNotifierOptions {
  notifications: Pick<NotificationService, 'send'>;
  signals: Pick<SignalsService, 'publish'>;
  /** Entity refs (users or groups) of the license admins; none: no notifications, signals only. */
  recipients: readonly string[];
  logger: Pick<LoggerService, 'warn' | 'info' | 'debug'>;
  /** Where notifications point. Default '/license-management'. */
  link?: string;
}

type Channel = 'notification' | 'signal';

/**
 * Tells people about the license status:
 *
 * - publishes `{ revision }` on the signals channel
 *   `license-management:status` whenever the status changes (a reload of the
 *   engine's snapshot, or time alone changing the portal state or its
 *   exceptions), so that open pages fetch it again;
 * - sends the license admins a notification for each notice of
 *   `licenseNotices()` (a slot running out at 30, 15, 7 and 1 days, expiry,
 *   quota exceeded, USB key and license-server faults), once: a notice
 *   already sent is not sent again while it holds; one that goes away and
 *   comes back is. Its `scope` makes a repeat from another replica or after
 *   a restart update the earlier notification instead of adding one.
 *
 * A failed send or publish is logged (at warn the first time, then at debug
 * until one succeeds) and never reaches licensing; unsent notices are tried
 * again at the next check.
 */
export class LicenseNotifier {
  private readonly sent = new Set<string>();
  private readonly failing = new Set<Channel>();
  private revision?: number;
  private statusKey?: string;
  private changed = false;
  private chain: Promise<void> = Promise.resolve();
  private queued?: Promise<void>;
  private unsubscribe?: () => void;

  constructor(
    private readonly source: LicenseStatusSource,
    private readonly options: LicenseNotifierOptions,
  ) {}

  /** Follows the source's changes; the first call checks the notices at once. */
  start(): void {
    this.unsubscribe ??= this.source.onChange(revision => {
      if (this.revision !== undefined) this.changed = true;
      this.revision = revision;
      void this.check();
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /**
   * Publishes a signal if the status changed and sends the notices not sent
   * yet. Called on every change and periodically, since time passing crosses
   * thresholds. Checks run one at a time; calls made while one waits share it.
   * Never rejects.
   */
  check(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.chain.then(() => {
      this.queued = undefined;
      return this.run();
    });
    this.queued = next;
    this.chain = next;
    return next;
  }

  private async run(): Promise<void> {
    let evaluation: Evaluation;
    try {
      evaluation = this.source.evaluation();
    } catch (e) {
      this.options.logger.warn(`Could not evaluate licenses for notifications: ${e}`);
      return;
    }
    const key = statusKey(evaluation);
    if (this.changed || (this.statusKey !== undefined && key !== this.statusKey)) {
      this.changed = false;
      await this.publish();
    }
    this.statusKey = key;
    await this.notify(licenseNotices(evaluation, this.source.catalog));
  }

  private async publish(): Promise<void> {
    const message: LicenseStatusSignal = { revision: this.revision ?? 0 };
    try {
      await this.options.signals.publish({
        recipients: { type: 'broadcast' },
        channel: LICENSE_STATUS_SIGNAL_CHANNEL,
        message,
      });
      this.succeeded('signal');
    } catch (e) {
      this.failed('signal', `Could not publish the license status signal: ${e}`);
    }
  }

  private async notify(notices: LicenseNotice[]): Promise<void> {
    const current = new Set(notices.map(n => n.scope));
    // A notice that no longer holds is sent again if it comes back.
    for (const scope of this.sent) if (!current.has(scope)) this.sent.delete(scope);
    const { recipients } = this.options;
    if (recipients.length === 0) return;
    for (const notice of notices) {
      if (this.sent.has(notice.scope)) continue;
      try {
        await this.options.notifications.send({
          recipients: { type: 'entity', entityRef: [...recipients] },
          payload: this.payloadOf(notice),
        });
      } catch (e) {
        this.failed(
          'notification',
          `Could not send the license notification '${notice.title}' (is @backstage/plugin-notifications-backend installed?): ${e}`,
        );
        return; // The rest waits for the next check.
      }
      this.sent.add(notice.scope);
      this.succeeded('notification');
    }
  }

  private payloadOf(notice: LicenseNotice) {
    const metadata: Record<string, string | number> = { kind: notice.kind, code: notice.code };
    if (notice.slot !== undefined) metadata.slot = notice.slot;
    if (notice.metric !== undefined) metadata.metric = notice.metric;
    if (notice.thresholdDays !== undefined) metadata.thresholdDays = notice.thresholdDays;
    return {
      title: notice.title,
      description: notice.description,
      link: this.options.link ?? '/license-management',
      severity: notice.severity,
      topic: 'license-management',
      scope: notice.scope,
      metadata,
    };
  }

  private failed(channel: Channel, message: string) {
    const { logger } = this.options;
    if (this.failing.has(channel)) {
      logger.debug(message);
      return;
    }
    this.failing.add(channel);
    logger.warn(`${message}. Licensing goes on; further failures are logged at debug level until one succeeds.`);
  }

  private succeeded(channel: Channel) {
    if (this.failing.delete(channel)) this.options.logger.info(`License ${channel}s work again.`);
  }
}

/** What pages show of the status: when it changes, a signal is due. */
function statusKey(e: Evaluation): string {
  return JSON.stringify([
    e.state,
    e.edition,
    [...e.states],
    e.exceptions.map(x => [x.code, x.slot, x.metric, x.daysLeft]),
  ]);
}
