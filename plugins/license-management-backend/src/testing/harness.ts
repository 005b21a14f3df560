import {
  type BackendFeature,
  createBackendModule,
  createBackendPlugin,
  createServiceFactory,
  coreServices,
  type SchedulerService,
  type ServiceFactory,
} from '@backstage/backend-plugin-api';
import { notificationService, type NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { signalsServiceRef, type SignalPayload } from '@backstage/plugin-signals-node';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  generateEd25519KeyPair,
  licenseManagementSettingsExtensionPoint,
  licenseServiceRef,
  type LicenseService,
} from '@backstage-licensing/plugin-license-management-node';
import { signLicenseToken } from '@backstage-licensing/license-vendor';
import { DAY_MS, type LicenseClaims } from '@backstage-licensing/plugin-license-management-common';
import request from 'supertest';
import { licenseManagementPlugin } from '../plugin';

export const DAY = DAY_MS;
export const ADMIN = 'user:default/admin';
export const READER = 'user:default/reader';

/** A permissions service: the admin may do everything, anyone else only read. */
const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    async authorize(requests: any[], options: any) {
      const principal = options.credentials.principal;
      const admin = principal.type === 'service' || principal.userEntityRef === ADMIN;
      return requests.map(r => ({
        result:
          admin || r.permission.name === 'license-management.license.read'
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      }));
    },
    async authorizeConditional(requests: any[]) {
      return requests.map(() => ({ result: AuthorizeResult.DENY }));
    },
  }) as any,
});

export interface Harness {
  server: any;
  /** The license service as the plugin `license-consumer` of this backend sees it. */
  service: LicenseService;
  stop(): Promise<void>;
  clock: { now: number };
  keyId: string;
  vendor: { kid: string; privateKeyPem: string; publicKeyPem: string };
  admin: string;
  reader: string;
  /** Signs a license for this installation; `over` replaces claims, `license` fields merge. */
  token(license: Partial<LicenseClaims['license']> & { type: 'base' | 'plus'; item: string }, over?: Partial<LicenseClaims>): Promise<string>;
  upload(body: string | Buffer, type?: string): request.Test;
  /** The licenses and records as they stand: to prove a rejection changed nothing. */
  snapshot(): Promise<{ licenses: unknown; records: unknown }>;
  /**
   * Asserts that a refused upload left exactly one new record, `rejected` by
   * the admin with the reason as its detail (matching `detail` when given),
   * and changed nothing else since `before` (a {@link Harness.snapshot}).
   */
  expectRejected(before: { licenses: unknown; records: unknown }, detail?: string | RegExp, count?: number): Promise<void>;
  /** What the plugin sent through the notification service (unless `options.features` brings its own). */
  notifications: NotificationSendOptions[];
  /** What the plugin published through the signals service (unless `options.features` brings its own). */
  signals: SignalPayload[];
}

let seq = 0;

/** The mock scheduler with its factory (mockServices types it as a plain SchedulerService). */
export function mockScheduler() {
  return mockServices.scheduler() as SchedulerService & {
    factory(options?: { includeInitialDelayedTasksOnStartup?: boolean }): ServiceFactory;
  };
}

/** A module that drives the plugin's clock through the settings extension point. */
export function clockModule(clock: { now: number }, moduleId = 'test-clock') {
  return createBackendModule({
    pluginId: 'license-management',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: { settings: licenseManagementSettingsExtensionPoint },
        async init({ settings }) {
          settings.setClock(() => clock.now);
        },
      });
    },
  });
}

/** Notification and signals services that record what they are given. */
export function recordingMessaging() {
  const notifications: NotificationSendOptions[] = [];
  const signals: SignalPayload[] = [];
  return {
    notifications,
    signals,
    features: [
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send: async (n: NotificationSendOptions) => void notifications.push(n) }),
      }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({ publish: async (s: SignalPayload<any>) => void signals.push(s) }),
      }),
    ],
  };
}

/**
 * A second plugin that injects `licenseServiceRef`, as any backend plugin
 * would; `service` resolves with what it was given.
 */
export function createLicenseConsumerPlugin(pluginId = 'license-consumer') {
  let resolve!: (s: LicenseService) => void;
  const service = new Promise<LicenseService>(r => {
    resolve = r;
  });
  const plugin = createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({
        deps: { licenses: licenseServiceRef },
        async init({ licenses }) {
          resolve(licenses);
        },
      });
    },
  });
  return { plugin, service };
}

export interface HarnessOptions {
  /** More features: service factories (database, scheduler, catalog), modules. */
  features?: BackendFeature[];
  /** Share a vendor and clock between two backends. */
  vendor?: Harness['vendor'];
  clock?: Harness['clock'];
  /** Leave the notification and signals services to `features` (or their defaults). */
  ownMessaging?: boolean;
}

export async function startHarness(
  config: Record<string, unknown> = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  const vendor = options.vendor ?? { kid: 'test-vendor', ...generateEd25519KeyPair() };
  const clock = options.clock ?? { now: Date.UTC(2026, 5, 1, 12) };
  const consumer = createLicenseConsumerPlugin();
  const messaging = recordingMessaging();
  // Unless the caller brings a database, one in-memory SQLite database that
  // stop() closes: the default one's connection pool would outlive the
  // backend and keep the jest worker from exiting.
  const ownDatabase = (options.features ?? []).some(f => (f as any).service?.id === coreServices.database.id)
    ? undefined
    : knexFactory({ client: 'better-sqlite3', connection: ':memory:', useNullAsDefault: true });
  const backend = await startTestBackend({
    features: [
      ...(options.features ?? []),
      ...(ownDatabase ? [mockServices.database.factory({ knex: ownDatabase })] : []),
      ...(options.ownMessaging ? [] : messaging.features),
      consumer.plugin,
      licenseManagementPlugin,
      clockModule(clock),
      mockServices.rootConfig.factory({
        data: {
          licenseManagement: {
            vendorKeys: [{ kid: vendor.kid, publicKey: vendor.publicKeyPem }],
            productVersion: '9.9.9',
            syncIntervalMs: 60_000,
            ...config,
          },
        },
      }),
      permissionsFactory,
    ],
  }).catch(async e => {
    await ownDatabase?.destroy();
    throw e;
  });
  const { server } = backend;
  const admin = mockCredentials.user.header(ADMIN);
  const reader = mockCredentials.user.header(READER);
  const res = await request(server).get('/api/license-management/key-id').set('Authorization', admin);
  const keyId = res.body.keyId;
  const h: Harness = {
    server,
    service: await consumer.service,
    stop: async () => {
      await backend.stop();
      await ownDatabase?.destroy();
    },
    clock,
    keyId,
    vendor,
    admin,
    reader,
    notifications: messaging.notifications,
    signals: messaging.signals,
    async token(license, over = {}) {
      const iat = Math.floor(clock.now / 1000);
      const claims = {
        jti: `lic-${++seq}`,
        iss: 'test-vendor',
        sub: keyId,
        iat,
        exp: iat + 365 * 86_400,
        ...over,
        license: { method: 'request-key', ...license },
      } as LicenseClaims;
      return signLicenseToken(claims, vendor);
    },
    upload(body, type = 'text/plain') {
      return request(server)
        .post('/api/license-management/licenses')
        .set('Authorization', admin)
        .set('Content-Type', type)
        .send(body);
    },
    async snapshot() {
      const licenses = await request(server).get('/api/license-management/licenses').set('Authorization', admin);
      const records = await request(server).get('/api/license-management/records?limit=200').set('Authorization', admin);
      return { licenses: licenses.body, records: records.body };
    },
    async expectRejected(before, detail, count = 1) {
      const after = (await h.snapshot()) as { licenses: unknown; records: { items: any[]; nextCursor: unknown } };
      const added = after.records.items.slice(0, count);
      for (const rejected of added) {
        expect(rejected).toMatchObject({ action: 'rejected', actor: ADMIN, licenseId: null, state: null });
        if (detail !== undefined) expect(rejected.detail).toMatch(detail);
      }
      const rest = after.records.items.slice(count);
      expect({ licenses: after.licenses, records: { ...after.records, items: rest } }).toEqual(before);
    },
  };
  return h;
}
