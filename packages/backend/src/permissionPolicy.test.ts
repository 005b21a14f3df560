import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  licenseCreatePermission,
  licenseDeletePermission,
  licenseReadPermission,
  recordReadPermission,
  requestKeyReadPermission,
  usageUpdatePermission,
} from '@backstage-licensing/plugin-license-management-common';
import { LicenseAdminPolicy } from './permissionPolicy';

const user = (userEntityRef: string, ownershipEntityRefs: string[] = [userEntityRef]) => ({
  identity: { type: 'user' as const, userEntityRef, ownershipEntityRefs },
  info: { userEntityRef, ownershipEntityRefs },
  token: 'token',
  credentials: {} as any,
});

describe('LicenseAdminPolicy', () => {
  const policy = new LicenseAdminPolicy(['group:default/license-admins']);
  const adminOnly = [
    licenseCreatePermission,
    licenseDeletePermission,
    requestKeyReadPermission,
    recordReadPermission,
    usageUpdatePermission,
  ];

  it('lets every signed-in user read', async () => {
    const decision = await policy.handle({ permission: licenseReadPermission }, user('user:default/jo') as any);
    expect(decision.result).toBe(AuthorizeResult.ALLOW);
  });

  it('gives writes, the request key and the records to members of an admin group only', async () => {
    const member = user('user:default/ann', ['user:default/ann', 'Group:default/License-Admins']);
    const other = user('user:default/bob', ['user:default/bob', 'group:default/devs']);
    for (const permission of adminOnly) {
      expect((await policy.handle({ permission }, member as any)).result).toBe(AuthorizeResult.ALLOW);
      expect((await policy.handle({ permission }, other as any)).result).toBe(AuthorizeResult.DENY);
      expect((await policy.handle({ permission })).result).toBe(AuthorizeResult.DENY);
    }
  });

  it('leaves permissions of other plugins allowed', async () => {
    const permission = { type: 'basic' as const, name: 'catalog.entity.read', attributes: {} };
    expect((await policy.handle({ permission }, user('user:default/bob') as any)).result).toBe(AuthorizeResult.ALLOW);
  });
});
