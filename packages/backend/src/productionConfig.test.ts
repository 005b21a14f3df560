/**
 * The production overlay (app-config.production.yaml on top of
 * app-config.yaml), loaded as the backend loads it: its own CORS origin,
 * auth in production mode without guest sign-in, and a license-ctl token
 * that may call License Management only.
 */
import { resolve } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { loadConfig, loadConfigSchema } from '@backstage/config-loader';

jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '../../..');
const ENV: Record<string, string> = {
  APP_BASE_URL: 'https://portal.example.com',
  BACKEND_BASE_URL: 'https://portal.example.com',
  POSTGRES_HOST: 'db.example.com',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'backstage',
  POSTGRES_PASSWORD: 'secret',
  LICENSE_CTL_TOKEN: 'a-long-random-token',
  LICENSE_VENDOR_KID: 'acme',
  LICENSE_VENDOR_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA0000000000000000000000000000000000000000000=\n-----END PUBLIC KEY-----',
};

async function load(files: string[]) {
  const { appConfigs } = await loadConfig({
    configRoot: ROOT,
    configTargets: files.map(f => ({ path: resolve(ROOT, f) })),
    experimentalEnvFunc: async name => ENV[name],
  });
  return { appConfigs, config: ConfigReader.fromConfigs(appConfigs) };
}

describe('app-config.production.yaml', () => {
  it('gives production its own CORS origin, production auth and no guest provider', async () => {
    const { config } = await load(['app-config.yaml', 'app-config.production.yaml']);
    expect(config.getString('backend.cors.origin')).toBe('https://portal.example.com');
    expect(config.getString('auth.environment')).toBe('production');
    expect(config.getOptionalConfig('auth.providers')?.keys() ?? []).not.toContain('guest');
    expect(config.has('auth.providers.guest')).toBe(false);
    // The development overlay keeps them.
    const dev = (await load(['app-config.yaml'])).config;
    expect(dev.getString('auth.environment')).toBe('development');
    expect(dev.has('auth.providers.guest')).toBe(true);
  });

  it('restricts the license-ctl token to License Management and its permissions', async () => {
    const { config } = await load(['app-config.yaml', 'app-config.production.yaml']);
    const [entry] = config.getConfigArray('backend.auth.externalAccess');
    expect(entry.getString('options.subject')).toBe('license-ctl');
    expect(entry.getString('options.token')).toBe('a-long-random-token');
    const restrictions = entry.getConfigArray('accessRestrictions');
    expect(restrictions.map(r => r.getString('plugin'))).toEqual(['license-management']);
    const permissions = restrictions[0].getStringArray('permission');
    expect(permissions.length).toBeGreaterThan(0);
    expect(permissions.every(p => p.startsWith('license-management.'))).toBe(true);
    expect(permissions).toEqual(
      expect.arrayContaining([
        'license-management.license.read',
        'license-management.license.create',
        'license-management.license.delete',
        'license-management.request-key.read',
        'license-management.record.read',
      ]),
    );
  });

  it("replaces the demo vendor key with the vendor's key from the environment", async () => {
    const { config } = await load(['app-config.yaml', 'app-config.production.yaml']);
    expect(config.getConfigArray('licenseManagement.vendorKeys').map(k => k.getString('kid'))).toEqual(['acme']);
  });

  it("passes the backend's config schema", async () => {
    const { appConfigs } = await load(['app-config.yaml', 'app-config.production.yaml']);
    const schema = await loadConfigSchema({ dependencies: ['backend'], packagePaths: [resolve(__dirname, '../package.json')] });
    expect(() => schema.process(appConfigs)).not.toThrow();
  });
});
