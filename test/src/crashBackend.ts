/**
 * A License Management backend in its own process, for the crash test
 * (crash.test.ts), which kills it with SIGKILL and starts it again on the
 * same database. Config from the environment:
 * CRASH_PORT, CRASH_DATABASE (the backend.database config, JSON),
 * CRASH_VENDOR_PUBLIC_KEY (PEM), CRASH_TOKEN (a static access token).
 *
 * Run: node --require @backstage/cli/config/nodeTransform.cjs src/crashBackend.ts
 */
import { createBackend } from '@backstage/backend-defaults';
import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { WinstonLogger } from '@backstage/backend-defaults/rootLogger';
import { ConfigReader } from '@backstage/config';

const port = Number(process.env.CRASH_PORT);
const url = `http://127.0.0.1:${port}`;
const config = new ConfigReader({
  app: { baseUrl: 'http://127.0.0.1:3000' },
  backend: {
    baseUrl: url,
    listen: { host: '127.0.0.1', port },
    database: JSON.parse(process.env.CRASH_DATABASE!),
    auth: { externalAccess: [{ type: 'static', options: { token: process.env.CRASH_TOKEN!, subject: 'crash-test' } }] },
  },
  permission: { enabled: false },
  licenseManagement: {
    vendorKeys: [{ kid: 'crash-vendor', publicKey: process.env.CRASH_VENDOR_PUBLIC_KEY! }],
    syncIntervalMs: 500,
  },
});

const backend = createBackend();
backend.add(createServiceFactory({ service: coreServices.rootConfig, deps: {}, factory: () => config }));
// The default root logger compiles the config schema of every workspace package
// to find secrets to redact: seconds per start, and this config holds none.
backend.add(
  createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => WinstonLogger.create({ level: process.env.LOG_LEVEL ?? 'warn', meta: { service: 'crash-test' } }),
  }),
);
backend.add(import('@backstage-licensing/plugin-license-management-backend'));
backend.start().catch(e => {
  // eslint-disable-next-line no-console
  console.error(e);
  process.exit(1);
});
