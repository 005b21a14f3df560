/**
 * The marketplace listing (catalog/marketplace) against the packages it lists:
 * every published package has a Package entity whose names, version and role
 * match its package.json, the Plugin lists them all, the dynamic artifacts
 * follow the export's naming, and the frontend wiring is the package's own
 * app-config.dynamic.yaml.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';

const ROOT = resolve(__dirname, '../..');
const MARKETPLACE = join(ROOT, 'catalog/marketplace');

interface Entity {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; title?: string; description?: string };
  spec: Record<string, any>;
  file: string;
}

interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  backstage?: { role?: string };
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(e.name) ? [path] : [];
  });
}

function readEntities(): Entity[] {
  return yamlFiles(MARKETPLACE).flatMap(file => {
    const docs = parseAllDocuments(readFileSync(file, 'utf8'));
    return docs.map(doc => {
      if (doc.errors.length > 0) {
        throw new Error(`${relative(ROOT, file)}: ${doc.errors.map(e => e.message).join('; ')}`);
      }
      return { ...(doc.toJS() as Omit<Entity, 'file'>), file: relative(ROOT, file) };
    });
  });
}

function publishedPackages(): PackageJson[] {
  const dirs = [
    ...readdirSync(join(ROOT, 'plugins')).map(d => join(ROOT, 'plugins', d)),
    ...readdirSync(join(ROOT, 'packages')).map(d => join(ROOT, 'packages', d)),
  ];
  return dirs
    .filter(d => existsSync(join(d, 'package.json')))
    .map(d => JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as PackageJson)
    .filter(p => !p.private);
}

/** `@scope/name` → `scope-name`, the entity name the marketplace uses for a package. */
const entityNameOf = (packageName: string) => packageName.replace(/^@/, '').replace('/', '-');

describe('catalog/marketplace', () => {
  const entities = readEntities();
  const plugins = entities.filter(e => e.kind === 'Plugin');
  const packages = entities.filter(e => e.kind === 'Package');
  const published = publishedPackages();

  it('holds one Plugin and Package entities, all of the extensions API', () => {
    expect(plugins).toHaveLength(1);
    expect(packages.length).toBeGreaterThan(0);
    for (const e of [...plugins, ...packages]) {
      expect([e.file, e.apiVersion]).toEqual([e.file, 'extensions.backstage.io/v1alpha1']);
    }
    expect(entities.filter(e => !['Plugin', 'Package', 'Location'].includes(e.kind))).toEqual([]);
  });

  it('finds the published packages (so that the checks below check something)', () => {
    expect(published.map(p => p.name)).toEqual(
      expect.arrayContaining([
        '@backstage-licensing/plugin-license-management',
        '@backstage-licensing/plugin-license-management-backend',
        '@backstage-licensing/plugin-license-management-common',
        '@backstage-licensing/plugin-license-management-node',
        '@backstage-licensing/plugin-license-management-react',
        '@backstage-licensing/plugin-permission-backend-module-license-management',
        '@backstage-licensing/license-ctl',
      ]),
    );
  });

  it('has a Package entity for every published package, with its name, version and role', () => {
    for (const pkg of published) {
      const entity = packages.find(e => e.spec.packageName === pkg.name);
      expect([pkg.name, entity?.file]).toEqual([pkg.name, expect.any(String)]);
      expect(entity!.metadata.name).toBe(entityNameOf(pkg.name));
      expect(entity!.metadata.title).toBe(pkg.name);
      expect(entity!.file).toBe(`catalog/marketplace/packages/${entityNameOf(pkg.name)}.yaml`);
      expect([pkg.name, entity!.spec.version]).toEqual([pkg.name, pkg.version]);
      expect([pkg.name, entity!.spec.backstage?.role]).toEqual([pkg.name, pkg.backstage?.role]);
      expect(entity!.spec.partOf).toEqual([plugins[0].metadata.name]);
    }
  });

  it('lists no package that is not published', () => {
    const names = published.map(p => p.name);
    expect(packages.map(e => e.spec.packageName).filter(n => !names.includes(n))).toEqual([]);
  });

  it('has a Plugin that lists every Package entity, and nothing else', () => {
    const [plugin] = plugins;
    expect([...plugin.spec.packages].sort()).toEqual(packages.map(e => e.metadata.name).sort());
    expect(plugin.metadata.title).toBeTruthy();
    expect(plugin.metadata.description).toBeTruthy();
    for (const field of ['description', 'installation']) {
      expect([field, typeof plugin.spec[field]]).toEqual([field, 'string']);
    }
    expect(plugin.spec.categories.length).toBeGreaterThan(0);
    expect(plugin.spec.highlights.length).toBeGreaterThan(0);
    for (const e of packages) expect(e.metadata.namespace).toBe(plugin.metadata.namespace);
  });

  it('names the dynamic artifacts as rhdh-cli packages them, for the frontend and backend plugins only', () => {
    for (const e of packages) {
      const role = e.spec.backstage?.role;
      const artifact: string | undefined = e.spec.dynamicArtifact;
      if (role === 'frontend-plugin' || role === 'backend-plugin') {
        // `rhdh-cli plugin package --export-to` names each directory after the
        // package, without '@' and the '-dynamic' suffix of the exported package.
        expect(artifact).toBe(`./dynamic-plugins/dist/${e.metadata.name}`);
      } else {
        expect([e.metadata.name, artifact]).toEqual([e.metadata.name, undefined]);
      }
    }
  });

  it('gives config examples for vendor keys, catalog usage and admin groups', () => {
    const examples = packages.flatMap(e => (e.spec.appConfigExamples ?? []) as Array<{ content: any }>);
    const lm = examples.map(x => x.content?.licenseManagement).filter(Boolean);
    expect(lm.some(c => Array.isArray(c.vendorKeys) && c.vendorKeys[0].kid && c.vendorKeys[0].publicKey)).toBe(true);
    expect(lm.some(c => Array.isArray(c.usage?.catalog) && c.usage.catalog[0].metric && c.usage.catalog[0].filter)).toBe(true);
    expect(lm.some(c => Array.isArray(c.adminGroups) && c.adminGroups.includes('group:default/license-admins'))).toBe(true);
  });

  it("shows the frontend package's own app-config.dynamic.yaml as its wiring", () => {
    const wiring = parse(readFileSync(join(ROOT, 'plugins/license-management/app-config.dynamic.yaml'), 'utf8'));
    const frontend = packages.find(e => e.spec.backstage?.role === 'frontend-plugin')!;
    const scalprumName = frontend.spec.packageName.replace(/^@/, '').replace('/', '.');
    expect(Object.keys(wiring.dynamicPlugins.frontend)).toEqual([scalprumName]);
    expect(frontend.spec.appConfigExamples.map((x: { content: unknown }) => x.content)).toContainEqual(wiring);
  });

  it('registers every entity file through the Location', () => {
    const location = entities.find(e => e.kind === 'Location')!;
    const targets: string[] = location.spec.targets;
    for (const target of targets) expect([target, existsSync(join(MARKETPLACE, target))]).toEqual([target, true]);
    const files = [...plugins, ...packages].map(e => `./${relative(MARKETPLACE, join(ROOT, e.file))}`);
    expect([...targets].sort()).toEqual([...new Set(files)].sort());
  });
});
