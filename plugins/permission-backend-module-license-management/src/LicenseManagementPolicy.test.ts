import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  licenseManagementPermissions,
  licenseReadPermission,
} from '@backstage-licensing/plugin-license-management-common';
import { LicenseManagementPolicy } from './LicenseManagementPolicy';

const user = (userEntityRef: string, ownershipEntityRefs: string[] = [userEntityRef]) =>
  ({
    credentials: { principal: { type: 'user', userEntityRef } },
    info: { userEntityRef, ownershipEntityRefs },
  }) as PolicyQueryUser;

describe('LicenseManagementPolicy', () => {
  const policy = new LicenseManagementPolicy({ adminRefs: ['group:default/license-admins'] });
  const adminOnly = licenseManagementPermissions.filter(p => p.name !== licenseReadPermission.name);
  const result = async (permission: any, u?: PolicyQueryUser) => (await policy.handle({ permission }, u)).result;

  it('lets every signed-in user read', async () => {
    expect(await result(licenseReadPermission, user('user:default/jo'))).toBe(AuthorizeResult.ALLOW);
  });

  it('gives writes, the request key, the records and usage reports to members of an admin group only', async () => {
    const member = user('user:default/ann', ['user:default/ann', 'Group:default/License-Admins']);
    const other = user('user:default/bob', ['user:default/bob', 'group:default/devs']);
    expect(adminOnly.length).toBeGreaterThanOrEqual(5);
    for (const permission of adminOnly) {
      expect(await result(permission, member)).toBe(AuthorizeResult.ALLOW);
      expect(await result(permission, other)).toBe(AuthorizeResult.DENY);
      expect(await result(permission)).toBe(AuthorizeResult.DENY);
    }
  });

  it('allows the permissions of other plugins, as the allow-all policy does', async () => {
    const permission = { type: 'basic' as const, name: 'catalog.entity.delete', attributes: { action: 'delete' as const } };
    expect(await result(permission, user('user:default/bob'))).toBe(AuthorizeResult.ALLOW);
    expect(await result(permission)).toBe(AuthorizeResult.ALLOW);
  });
});
