import type { AuthService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { LicenseUsageProvider } from '@backstage-licensing/plugin-license-management-node';
import type { CatalogUsageCount } from '../config';

/**
 * The built-in usage provider: per quota metric, the number of catalog
 * entities that match a configured filter (for example Resource entities of
 * `spec.type: host` for `hosts`). Asks the catalog for counts only, with this
 * plugin's service credentials.
 */
export class CatalogUsageProvider implements LicenseUsageProvider {
  readonly id = 'catalog';
  readonly metrics: readonly string[];

  constructor(
    private readonly options: {
      catalog: Pick<CatalogService, 'queryEntities'>;
      auth: Pick<AuthService, 'getOwnServiceCredentials'>;
      counts: readonly CatalogUsageCount[];
    },
  ) {
    this.metrics = options.counts.map(c => c.metric);
  }

  async getUsage(): Promise<Record<string, number>> {
    const { catalog, auth, counts } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const figures = await Promise.all(
      counts.map(async ({ metric, filter }) => {
        const { totalItems } = await catalog.queryEntities(
          { filter, limit: 1, fields: ['metadata.uid'] },
          { credentials },
        );
        return [metric, totalItems] as const;
      }),
    );
    return Object.fromEntries(figures);
  }
}
