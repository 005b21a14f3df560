/**
 * The catalog of what can be licensed: Base editions, Plus modules, the
 * features each unlocks and the quota metrics each may carry. The default is
 * the preset of the product guide; a portal can replace it from config.
 */

/** An edition (Base) or a module (Plus). */
export interface CatalogItem {
  id: string;
  title: string;
  description?: string;
  /** Feature ids this item unlocks. A module always unlocks its own id too. */
  features?: string[];
  /** Quota metrics a license for this item may carry. */
  metrics?: string[];
}

export interface CatalogMetric {
  id: string;
  title: string;
}

export interface CatalogFeature {
  id: string;
  title: string;
}

export interface LicenseCatalogDefinition {
  editions: CatalogItem[];
  modules: CatalogItem[];
  metrics?: CatalogMetric[];
  features?: CatalogFeature[];
  /** Features allowed whatever the license state (License Management itself). */
  essentialFeatures?: string[];
  /** Features allowed without any Base license (the community edition). */
  communityFeatures?: string[];
}

import type { LicenseType } from './lists';

export type { LicenseType };

/** A catalog checked once and indexed for constant-time look-ups. */
export interface LicenseCatalog {
  readonly definition: LicenseCatalogDefinition;
  item(type: LicenseType, id: string): CatalogItem | undefined;
  /** Features the item unlocks (for a module, its own id included). */
  featuresOf(type: LicenseType, id: string): readonly string[];
  isFeature(id: string): boolean;
  isMetric(id: string): boolean;
  isEssential(feature: string): boolean;
  isCommunity(feature: string): boolean;
  /** The slot ('base' or the module id) a metric's quota belongs to. */
  slotOfMetric(metric: string): string | undefined;
  /** Whether some item that may carry the metric unlocks the feature. */
  metricBelongsToFeature(metric: string, feature: string): boolean;
  /** Item ids (edition or module) that unlock a feature. */
  itemsUnlocking(feature: string): { editions: string[]; modules: string[] };
  title(kind: 'item' | 'feature' | 'metric', id: string): string;
  readonly editionIds: readonly string[];
  readonly moduleIds: readonly string[];
  readonly metricIds: readonly string[];
  readonly featureIds: readonly string[];
}

export const ESSENTIAL_FEATURE = 'license-management';
const ENTERPRISE_FEATURES = ['virtualization', 'gpu', 'cloudformation', 'auto-scaling'];

const plusModule = (
  id: string,
  title: string,
  metrics?: string[],
): CatalogItem => ({ id, title, ...(metrics ? { metrics } : {}) });

/** The preset of the product guide. */
export const defaultLicenseCatalog: LicenseCatalogDefinition = {
  editions: [
    {
      id: 'standard',
      title: 'Standard',
      description:
        'A full set of computing, storage and network virtualization features.',
      features: ['virtualization'],
      metrics: ['hosts'],
    },
    {
      id: 'enterprise-trial',
      title: 'Enterprise Trial',
      description:
        'Standard plus GPU, CloudFormation and auto-scaling, for evaluation.',
      features: ENTERPRISE_FEATURES,
      metrics: ['hosts'],
    },
    {
      id: 'enterprise-prepaid',
      title: 'Enterprise Prepaid',
      description: 'Standard plus GPU, CloudFormation and auto-scaling.',
      features: ENTERPRISE_FEATURES,
      metrics: ['hosts'],
    },
  ],
  modules: [
    plusModule('vmware', 'VMware Management', ['vmware-cpus']),
    plusModule('tenant-management', 'Tenant Management'),
    plusModule('arm64', 'ARM64 Management', ['arm-hosts']),
    plusModule('backup', 'Backup Service'),
    plusModule('cdp', 'Continuous Data Protection (CDP) Service'),
    plusModule('crypto-compliance', 'Cryptography Security Compliance'),
    plusModule('baremetal', 'Baremetal Management', ['baremetal-servers']),
    plusModule('elastic-baremetal', 'Elastic Baremetal Management', [
      'elastic-baremetal-servers',
    ]),
    plusModule('aliyun-hybrid-cloud', 'Alibaba Cloud Hybrid Cloud Management'),
    plusModule('after-sales-5x8', '5x8 After-Sales Service'),
    plusModule('after-sales-7x24', '7x24 After-Sales Service'),
    plusModule('sriov', 'SR-IOV NIC Service'),
    plusModule('gpu', 'GPU Service'),
    plusModule('billing', 'Billing Management'),
    plusModule('cloudformation', 'CloudFormation'),
    plusModule('auto-scaling', 'Auto-Scaling Service'),
    plusModule('sdn', 'SDN Network'),
    plusModule('container-cpu', 'Container Service-CPU', ['container-cpus']),
    plusModule('container-vcpu', 'Container Service-vCPU', ['container-vcpus']),
    plusModule('se-device', 'SE Device'),
  ],
  metrics: [
    { id: 'hosts', title: 'Hosts' },
    { id: 'vmware-cpus', title: 'VMware CPUs' },
    { id: 'arm-hosts', title: 'ARM hosts' },
    { id: 'baremetal-servers', title: 'Baremetal servers' },
    { id: 'elastic-baremetal-servers', title: 'Elastic baremetal servers' },
    { id: 'container-cpus', title: 'Container CPUs' },
    { id: 'container-vcpus', title: 'Container vCPUs' },
  ],
  features: [
    { id: 'license-management', title: 'License Management' },
    { id: 'community', title: 'Community features' },
    { id: 'virtualization', title: 'Compute, storage and network virtualization' },
  ],
  essentialFeatures: [ESSENTIAL_FEATURE],
  communityFeatures: ['community'],
};

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Raised for a catalog definition that cannot be used. */
export class CatalogError extends Error {
  name = 'CatalogError';
}

/**
 * Checks a catalog definition and indexes it. Throws a CatalogError that says
 * what to fix when ids are malformed or repeated, or when one metric belongs
 * to two slots.
 */
export function compileCatalog(
  definition: LicenseCatalogDefinition = defaultLicenseCatalog,
): LicenseCatalog {
  const editions = new Map<string, CatalogItem>();
  const modules = new Map<string, CatalogItem>();
  const features = new Map<string, { editions: string[]; modules: string[] }>();
  const metricSlot = new Map<string, string>();
  const metricFeatures = new Map<string, Set<string>>();
  const titles = new Map<string, string>();

  const checkId = (what: string, id: unknown) => {
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
      throw new CatalogError(
        `Catalog ${what} id ${JSON.stringify(id)} is invalid: use 1-64 lower-case letters, digits, '.', '_' or '-'.`,
      );
    }
  };
  const addFeature = (feature: string, kind: 'editions' | 'modules', item: string) => {
    checkId('feature', feature);
    const entry = features.get(feature) ?? { editions: [], modules: [] };
    entry[kind].push(item);
    features.set(feature, entry);
  };
  const addItem = (kind: 'editions' | 'modules', item: CatalogItem) => {
    const map = kind === 'editions' ? editions : modules;
    checkId(kind === 'editions' ? 'edition' : 'module', item.id);
    if (map.has(item.id)) {
      throw new CatalogError(`Catalog ${kind} list names '${item.id}' twice.`);
    }
    map.set(item.id, item);
    titles.set(`item:${item.id}`, item.title || item.id);
    const unlocked = new Set(item.features ?? []);
    if (kind === 'modules') unlocked.add(item.id);
    unlocked.forEach(f => addFeature(f, kind, item.id));
    const slot = kind === 'editions' ? 'base' : item.id;
    for (const metric of item.metrics ?? []) {
      checkId('metric', metric);
      const owner = metricSlot.get(metric);
      if (owner !== undefined && owner !== slot) {
        throw new CatalogError(
          `Catalog metric '${metric}' belongs to both '${owner}' and '${slot}'; a metric belongs to one slot.`,
        );
      }
      metricSlot.set(metric, slot);
      const set = metricFeatures.get(metric) ?? new Set<string>();
      unlocked.forEach(f => set.add(f));
      metricFeatures.set(metric, set);
    }
  };

  if (!Array.isArray(definition.editions) || definition.editions.length === 0) {
    throw new CatalogError('Catalog must define at least one Base edition.');
  }
  definition.editions.forEach(e => addItem('editions', e));
  (definition.modules ?? []).forEach(m => addItem('modules', m));
  const essential = new Set(definition.essentialFeatures ?? [ESSENTIAL_FEATURE]);
  const community = new Set(definition.communityFeatures ?? []);
  for (const f of [...essential, ...community]) {
    checkId('feature', f);
    if (!features.has(f)) features.set(f, { editions: [], modules: [] });
  }
  for (const m of definition.metrics ?? []) titles.set(`metric:${m.id}`, m.title);
  for (const f of definition.features ?? []) titles.set(`feature:${f.id}`, f.title);
  for (const [id, item] of modules) {
    if (!titles.has(`feature:${id}`)) titles.set(`feature:${id}`, item.title);
  }

  const none = { editions: [], modules: [] };
  return {
    definition,
    item: (type, id) => (type === 'base' ? editions : modules).get(id),
    featuresOf(type, id) {
      const item = (type === 'base' ? editions : modules).get(id);
      if (!item) return [];
      return type === 'plus' ? [id, ...(item.features ?? [])] : item.features ?? [];
    },
    isFeature: id => features.has(id),
    isMetric: id => metricSlot.has(id),
    isEssential: f => essential.has(f),
    isCommunity: f => community.has(f),
    slotOfMetric: m => metricSlot.get(m),
    metricBelongsToFeature: (m, f) => metricFeatures.get(m)?.has(f) ?? false,
    itemsUnlocking: f => features.get(f) ?? none,
    title: (kind, id) => titles.get(`${kind}:${id}`) ?? id,
    editionIds: [...editions.keys()],
    moduleIds: [...modules.keys()],
    metricIds: [...metricSlot.keys()],
    featureIds: [...features.keys()],
  };
}
