import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  type PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  licenseManagementPermissions,
  licenseReadPermission,
  usageUpdatePermission,
} from '@backstage-licensing/plugin-license-management-common';
import permissionPlugin from '@backstage/plugin-permission-backend';
import permissionModule from './index';

const ANN = 'user:default/ann'; // member of group:default/license-admins
const BOB = 'user:default/bob'; // member of group:default/devs
const groups: Record<string, string[]> = {
  [ANN]: ['group:default/license-admins'],
  [BOB]: ['group:default/devs'],
};

/** User info with group membership, as the catalog would resolve it. */
const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: any) {
      const userEntityRef = credentials.principal.userEntityRef;
      return { userEntityRef, ownershipEntityRefs: [userEntityRef, ...(groups[userEntityRef] ?? [])] };
    },
  }),
});

/** A plugin that keeps its permissions service, to ask as any plugin would. */
function permissionsProbe() {
  let resolve!: (p: PermissionsService) => void;
  const permissions = new Promise<PermissionsService>(r => (resolve = r));
  const plugin = createBackendPlugin({
    pluginId: 'probe',
    register(env) {
      env.registerInit({
        deps: { permissions: coreServices.permissions },
        async init(deps) {
          resolve(deps.permissions);
        },
      });
    },
  });
  return { plugin, permissions };
}

async function start(licenseManagement: { adminGroups?: string | string[] } = { adminGroups: ['group:default/License-Admins'] }) {
  const probe = permissionsProbe();
  const backend = await startTestBackend({
    features: [
      permissionPlugin,
      permissionModule,
      probe.plugin,
      userInfoFactory,
      mockServices.rootConfig.factory({ data: { permission: { enabled: true }, licenseManagement } }),
    ],
  });
  return { backend, permissions: await probe.permissions };
}

/** Asks the permission backend's /authorize, as the frontend does. */
async function authorize(server: { port(): number }, userRef: string, names: string[]) {
  const res = await fetch(`http://localhost:${server.port()}/api/permission/authorize`, {
    method: 'POST',
    headers: { authorization: mockCredentials.user.header(userRef), 'content-type': 'application/json' },
    body: JSON.stringify({
      items: names.map((name, i) => ({ id: String(i), permission: { type: 'basic', name, attributes: {} } })),
    }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { items: Array<{ id: string; result: AuthorizeResult }> };
  return Object.fromEntries(body.items.map(item => [names[Number(item.id)], item.result]));
}

const adminOnly = licenseManagementPermissions.map(p => p.name).filter(n => n !== licenseReadPermission.name);

describe('permission-backend-module-license-management', () => {
  let started: Awaited<ReturnType<typeof start>> | undefined;
  afterEach(async () => {
    await started?.backend.stop();
    started = undefined;
  });

  it('gives the admin permissions to the admin group, read to everyone, and allows other plugins', async () => {
    started = await start();
    const { server } = started.backend;
    const names = [...licenseManagementPermissions.map(p => p.name), 'catalog.entity.read', 'scaffolder.template.management'];

    const ann = await authorize(server, ANN, names);
    expect(Object.values(ann).every(r => r === AuthorizeResult.ALLOW)).toBe(true);

    const bob = await authorize(server, BOB, names);
    expect(bob[licenseReadPermission.name]).toBe(AuthorizeResult.ALLOW);
    for (const name of adminOnly) expect([name, bob[name]]).toEqual([name, AuthorizeResult.DENY]);
    expect(bob['catalog.entity.read']).toBe(AuthorizeResult.ALLOW);
    expect(bob['scaffolder.template.management']).toBe(AuthorizeResult.ALLOW);
  });

  it('decides a plugin\'s authorize() calls: users by the policy, services without it', async () => {
    started = await start();
    const { permissions } = started;
    const ask = async (credentials: any) =>
      (await permissions.authorize([{ permission: usageUpdatePermission }], { credentials }))[0].result;

    expect(await ask(mockCredentials.user(ANN))).toBe(AuthorizeResult.ALLOW);
    expect(await ask(mockCredentials.user(BOB))).toBe(AuthorizeResult.DENY);
    // Service-to-service calls are not sent to the policy: a service may report usage.
    expect(await ask(mockCredentials.service('plugin:catalog'))).toBe(AuthorizeResult.ALLOW);
    // ... unless its external-access token restricts it to other permissions.
    const restricted = mockCredentials.service('external:reporter', { permissionNames: [licenseReadPermission.name] });
    expect(await ask(restricted)).toBe(AuthorizeResult.DENY);
  });

  it('denies every admin permission when licenseManagement.adminGroups is not set', async () => {
    started = await start({});
    const ann = await authorize(started.backend.server, ANN, licenseManagementPermissions.map(p => p.name));
    expect(ann[licenseReadPermission.name]).toBe(AuthorizeResult.ALLOW);
    for (const name of adminOnly) expect([name, ann[name]]).toEqual([name, AuthorizeResult.DENY]);
  });

  it('matches admin user refs too', async () => {
    started = await start({ adminGroups: [BOB] });
    const bob = await authorize(started.backend.server, BOB, adminOnly);
    expect(Object.values(bob).every(r => r === AuthorizeResult.ALLOW)).toBe(true);
  });

  it('refuses to start on an admin entry that is not a group or user ref', async () => {
    await expect(start({ adminGroups: ['license-admins'] })).rejects.toThrow(
      /licenseManagement\.adminGroups\[0\] 'license-admins' is not a group or user entity ref/,
    );
  });

  it('refuses to start when adminGroups is not a list of strings', async () => {
    await expect(start({ adminGroups: 'group:default/license-admins' })).rejects.toThrow(
      /licenseManagement\.adminGroups/,
    );
  });
});
