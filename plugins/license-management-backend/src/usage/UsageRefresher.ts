import type { LoggerService } from '@backstage/backend-plugin-api';
import { isUsageFigure, type LicenseCatalog } from '@backstage-licensing/plugin-license-management-common';
import type { LicenseUsageProvider } from '@backstage-licensing/plugin-license-management-node';

/** Where provider figures go: the license engine. */
export interface UsageSink {
  reportUsage(metric: string, used: number, reporter: string): Promise<void>;
}

/**
 * Checks that usage providers name metrics of the catalog and do not share
 * one; throws an Error that says which provider to fix.
 */
export function checkUsageProviders(providers: readonly LicenseUsageProvider[], catalog: LicenseCatalog): void {
  const owner = new Map<string, string>();
  const ids = new Set<string>();
  for (const p of providers) {
    if (ids.has(p.id)) throw new Error(`Two license usage providers have the id '${p.id}'; ids must be unique.`);
    ids.add(p.id);
    for (const metric of p.metrics) {
      if (!catalog.isMetric(metric)) {
        throw new Error(
          `License usage provider '${p.id}' counts '${metric}', which is not a quota metric of the catalog. Known metrics: ${catalog.metricIds.join(', ')}.`,
        );
      }
      const other = owner.get(metric);
      if (other !== undefined) {
        throw new Error(
          `License usage providers '${other}' and '${p.id}' both count '${metric}'; let one provider count each metric.`,
        );
      }
      owner.set(metric, p.id);
    }
  }
}

/**
 * Asks every usage provider for its figures and stores each as reported by
 * `provider:<id>`. A provider that fails, or a figure that is not an integer
 * of 0 or more, is logged and skipped: the last good figure stays.
 */
export class UsageRefresher {
  constructor(
    private readonly options: {
      providers: readonly LicenseUsageProvider[];
      sink: UsageSink;
      logger: Pick<LoggerService, 'warn'>;
    },
  ) {}

  async refresh(): Promise<void> {
    await Promise.all(this.options.providers.map(p => this.refreshOne(p)));
  }

  private async refreshOne(provider: LicenseUsageProvider): Promise<void> {
    const { sink, logger } = this.options;
    let usage: Record<string, number>;
    try {
      usage = await provider.getUsage();
    } catch (e) {
      logger.warn(`License usage provider '${provider.id}' failed; its last figures stay in place: ${(e as Error).message}`);
      return;
    }
    for (const metric of provider.metrics) {
      if (!(metric in usage)) continue;
      const used = usage[metric];
      if (!isUsageFigure(used)) {
        logger.warn(`License usage provider '${provider.id}' gave ${JSON.stringify(used)} for '${metric}'; expected an integer of 0 or more.`);
        continue;
      }
      try {
        await sink.reportUsage(metric, used, `provider:${provider.id}`);
      } catch (e) {
        logger.warn(`Could not store the use of '${metric}' from provider '${provider.id}': ${(e as Error).message}`);
      }
    }
  }
}
