import { mockCredentials } from '@backstage/backend-test-utils';
import { licenseManagementPermissions } from '@backstage-licensing/plugin-license-management-common';
import request from 'supertest';
import { startHarness, type Harness } from './testing/harness';

/**
 * RBAC plugins (Red Hat Developer Hub's among them) list a plugin's
 * permissions from this route, for `permission.rbac.pluginsWithPermission`.
 */
describe('GET /.well-known/backstage/permissions/metadata', () => {
  const path = '/api/license-management/.well-known/backstage/permissions/metadata';
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('lists every permission of the plugin, with its attributes', async () => {
    const res = await request(h.server).get(path).set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    const listed: Array<{ type: string; name: string; attributes: object }> = res.body.permissions;
    expect(licenseManagementPermissions.length).toBeGreaterThanOrEqual(6);
    for (const permission of licenseManagementPermissions) {
      expect(listed).toContainEqual({
        type: permission.type,
        name: permission.name,
        attributes: permission.attributes,
      });
    }
    expect(listed.map(p => p.name).filter(n => n.startsWith('license-management.')).sort()).toEqual(
      licenseManagementPermissions.map(p => p.name).sort(),
    );
  });

  it('answers a signed-in user too', async () => {
    const user = await request(h.server).get(path).set('Authorization', h.reader);
    expect(user.status).toBe(200);
    const names = user.body.permissions.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(licenseManagementPermissions.map(p => p.name)));
  });
});
