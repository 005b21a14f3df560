import type { CatalogItem, LicenseCatalog, LicenseCatalogDefinition, LicenseType } from './catalog';

/**
 * The catalog a portal runs with, as `/status.catalog` carries it: every
 * edition, module, feature and metric with its title (the id when the
 * definition gives none), in catalog order. The browser reads every title
 * and record filter value from this; it compiles no catalog of its own.
 */
export function catalogDefinitionOf(catalog: LicenseCatalog): LicenseCatalogDefinition {
  const item = (type: LicenseType, id: string): CatalogItem => {
    const found = catalog.item(type, id)!;
    return {
      id,
      title: catalog.title('item', id),
      ...(found.description ? { description: found.description } : {}),
      features: [...catalog.featuresOf(type, id)],
      metrics: [...(found.metrics ?? [])],
    };
  };
  return {
    editions: catalog.editionIds.map(id => item('base', id)),
    modules: catalog.moduleIds.map(id => item('plus', id)),
    metrics: catalog.metricIds.map(id => ({ id, title: catalog.title('metric', id) })),
    features: catalog.featureIds.map(id => ({ id, title: catalog.title('feature', id) })),
    essentialFeatures: catalog.featureIds.filter(f => catalog.isEssential(f)),
    communityFeatures: catalog.featureIds.filter(f => catalog.isCommunity(f)),
  };
}
