import { createBackendModule, createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  LICENSE_STATUS_SIGNAL_CHANNEL,
  type LicenseClaims,
} from '@backstage-licensing/plugin-license-management-common';
import {
  generateEd25519KeyPair,
  licenseManagementSettingsExtensionPoint,
} from '@backstage-licensing/plugin-license-management-node';
import { signLicenseToken } from '@backstage-licensing/license-vendor';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import request from 'supertest';
import * as backendPackage from './index';
import { NOTICES_TASK_ID } from './notify/startLicenseNotifications';
import { licenseManagementPlugin } from './plugin';
import { clockModule, DAY, type Harness, mockScheduler, recordingMessaging, startHarness } from './testing/harness';

jest.setTimeout(30_000);

const api = '/api/license-management';

async function until<T>(get: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await get();
    if (value) return value;
    if (Date.now() - start > 5000) throw new Error('not seen within 5 s');
    await new Promise(r => setTimeout(r, 20));
  }
}

function pinModule(keys: { kid: string; publicKey: string }[]) {
  return createBackendModule({
    pluginId: 'license-management',
    moduleId: 'pinned-vendor-keys',
    register(reg) {
      reg.registerInit({
        deps: { settings: licenseManagementSettingsExtensionPoint },
        async init({ settings }) {
          settings.pinVendorKeys(...keys);
        },
      });
    },
  });
}

describe('the backend plugin', () => {
  const harnesses: Harness[] = [];
  const start = async (...args: Parameters<typeof startHarness>) => {
    const h = await startHarness(...args);
    harnesses.push(h);
    return h;
  };
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map(h => h.stop()));
  });

  it('installs with the default export alone', async () => {
    const messaging = recordingMessaging();
    const backend = await startTestBackend({
      features: [
        // What backend.add(import('@backstage-licensing/plugin-license-management-backend')) receives.
        Promise.resolve(backendPackage),
        ...messaging.features,
        mockServices.rootConfig.factory({ data: { licenseManagement: {} } }),
      ],
    });
    try {
      expect(backendPackage.default).toBe(licenseManagementPlugin);
      expect((await request(backend.server).get(`${api}/health`)).status).toBe(200);
      const status = await request(backend.server)
        .get(`${api}/status`)
        .set('Authorization', mockCredentials.user.header());
      expect(status.body).toMatchObject({ edition: 'community', state: 'community' });
    } finally {
      await backend.stop();
    }
  });

  describe('settings extension point', () => {
    it('takes vendor keys pinned by a module and ignores those of config', async () => {
      const pinned = { kid: 'pinned-vendor', ...generateEd25519KeyPair() };
      // The harness's config trusts its own vendor, 'test-vendor'.
      const h = await start({}, { features: [pinModule([{ kid: pinned.kid, publicKey: pinned.publicKeyPem }])] });

      const fromConfigKey = await h.upload(await h.token({ type: 'base', item: 'standard' }));
      expect(fromConfigKey.status).toBe(400);
      expect(fromConfigKey.body.error.message).toMatch(/test-vendor/);

      const iat = Math.floor(h.clock.now / 1000);
      const claims: LicenseClaims = {
        jti: 'pinned-1',
        iss: 'pinned-vendor',
        sub: h.keyId,
        iat,
        exp: iat + 365 * 86_400,
        license: { type: 'base', item: 'standard', method: 'request-key' },
      };
      expect((await h.upload(await signLicenseToken(claims, pinned))).status).toBe(201);
    });

    it('lets a module drive the clock: time passing expires the Base', async () => {
      const h = await start();
      expect((await h.upload(await h.token({ type: 'base', item: 'standard' }, { exp: Math.floor((h.clock.now + 3 * DAY) / 1000) }))).status).toBe(201);
      const status = async () => (await request(h.server).get(`${api}/status`).set('Authorization', h.reader)).body;
      expect(await status()).toMatchObject({ state: 'valid' });
      h.clock.now += 4 * DAY;
      expect(await status()).toMatchObject({ state: 'expired', exceptions: [expect.objectContaining({ code: 'LICENSE_EXPIRED' })] });
    });

    it('refuses a second module setting the clock', async () => {
      await expect(
        start({}, { features: [clockModule({ now: Date.now() }, 'another-clock')] }),
      ).rejects.toThrow(/clock was already set by another module/);
    });
  });

  describe('notifications and signals', () => {
    it('notifies the admins when a license will run out, once per threshold, and signals every change', async () => {
      const scheduler = mockScheduler();
      const h = await start(
        { adminGroups: ['user:default/admin', 'group:license-admins'] },
        { features: [scheduler.factory()] },
      );
      expect(h.notifications).toEqual([]);

      const exp = Math.floor((h.clock.now + 10 * DAY) / 1000);
      expect((await h.upload(await h.token({ type: 'base', item: 'standard' }, { exp }))).status).toBe(201);
      const first = await until(() => h.notifications[0]);
      expect(first).toEqual({
        recipients: { type: 'entity', entityRef: ['user:default/admin', 'group:default/license-admins'] },
        payload: expect.objectContaining({
          scope: 'license-management:slot:base:expiring:15',
          link: '/license-management',
          severity: 'normal',
        }),
      });
      await until(() => h.signals.length > 0);
      expect(h.signals[0]).toEqual({
        recipients: { type: 'broadcast' },
        channel: LICENSE_STATUS_SIGNAL_CHANNEL,
        message: { revision: expect.any(Number) },
      });

      // A reload is a change (a signal) but not a new notice.
      const signals = h.signals.length;
      expect((await request(h.server).post(`${api}/reload`).set('Authorization', h.admin)).status).toBe(200);
      await until(() => h.signals.length > signals);
      await scheduler.triggerTask(NOTICES_TASK_ID);
      expect(h.notifications).toHaveLength(1);

      // Time alone crosses the 7-day threshold: the hourly check sends it.
      h.clock.now += 4 * DAY;
      await scheduler.triggerTask(NOTICES_TASK_ID);
      expect(h.notifications.map(n => [n.payload.scope, n.payload.severity])).toEqual([
        ['license-management:slot:base:expiring:15', 'normal'],
        ['license-management:slot:base:expiring:7', 'high'],
      ]);
    });

    it('goes on licensing when the notification and signals services fail', async () => {
      const failing = [
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ send: jest.fn().mockRejectedValue(new Error('Request failed with status 404')) }),
        }),
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({ publish: jest.fn().mockRejectedValue(new Error('no events backend')) }),
        }),
      ];
      const h = await start({ adminGroups: ['user:default/admin'] }, { features: failing, ownMessaging: true });
      const exp = Math.floor((h.clock.now + 10 * DAY) / 1000);
      expect((await h.upload(await h.token({ type: 'base', item: 'standard' }, { exp }))).status).toBe(201);
      expect((await request(h.server).post(`${api}/reload`).set('Authorization', h.admin)).status).toBe(200);
      const status = await request(h.server).get(`${api}/status`).set('Authorization', h.reader);
      expect(status.body).toMatchObject({ state: 'valid', exceptions: [expect.objectContaining({ code: 'LICENSE_EXPIRING' })] });
    });
  });
});
