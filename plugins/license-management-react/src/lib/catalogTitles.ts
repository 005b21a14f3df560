import type { LicenseCatalogDefinition } from '@backstage-licensing/plugin-license-management-common';

/** The words people read for the ids of the catalog the portal runs with. */
export interface CatalogTitles {
  /** An edition's or a module's title, else its id ("—" for none). */
  item(id: string | null | undefined): string;
  /** A feature's title (a module's own id is a feature named like the module), else its id. */
  feature(id: string): string;
  /** A quota metric's title, else its id. */
  metric(id: string): string;
  /** Every edition and module, in catalog order: the choices of an "item" filter. */
  items: { id: string; title: string; type: 'base' | 'plus' }[];
}

/**
 * Looks titles up in the catalog the server sent (`/status.catalog`). Only a
 * look-up: the server checked and compiled the catalog; the browser never
 * compiles one of its own. Without a catalog (the status not read yet) every
 * id stands for itself.
 */
export function catalogTitles(definition: LicenseCatalogDefinition | undefined): CatalogTitles {
  const items = new Map<string, string>();
  const features = new Map<string, string>();
  const metrics = new Map<string, string>();
  const list: CatalogTitles['items'] = [];
  for (const e of definition?.editions ?? []) {
    items.set(e.id, e.title || e.id);
    list.push({ id: e.id, title: e.title || e.id, type: 'base' });
  }
  for (const m of definition?.modules ?? []) {
    items.set(m.id, m.title || m.id);
    features.set(m.id, m.title || m.id);
    list.push({ id: m.id, title: m.title || m.id, type: 'plus' });
  }
  for (const f of definition?.features ?? []) features.set(f.id, f.title);
  for (const m of definition?.metrics ?? []) metrics.set(m.id, m.title);
  return {
    item: id => (id ? items.get(id) ?? id : '—'),
    feature: id => features.get(id) ?? id,
    metric: id => metrics.get(id) ?? id,
    items: list,
  };
}
