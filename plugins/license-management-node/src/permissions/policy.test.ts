import { AuthorizeResult, createPermission } from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  licenseManagementPermissions,
  licenseReadPermission,
} from '@backstage-licensing/plugin-license-management-common';
import { decideLicenseManagementPermission, readLicenseAdminRefs } from './policy';

function user(userEntityRef: string, ownershipEntityRefs: string[] = [userEntityRef]): PolicyQueryUser {
  return {
    credentials: {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'user', userEntityRef },
    },
    info: { userEntityRef, ownershipEntityRefs },
  } as PolicyQueryUser;
}

const options = { adminRefs: ['group:default/license-admins', 'user:default/root'] };
const decide = (name: string, u?: PolicyQueryUser) =>
  decideLicenseManagementPermission({ permission: permissionNamed(name) }, u, options)?.result;
const permissionNamed = (name: string) =>
  licenseManagementPermissions.find(p => p.name === name) ?? createPermission({ name, attributes: {} });

const adminOnly = licenseManagementPermissions.filter(p => p.name !== licenseReadPermission.name).map(p => p.name);
const member = user('user:default/ann', ['user:default/ann', 'Group:Default/License-Admins']);
const other = user('user:default/bob', ['user:default/bob', 'group:default/devs']);

describe('decideLicenseManagementPermission', () => {
  it('allows license.read to every signed-in user', () => {
    expect(decide(licenseReadPermission.name, other)).toBe(AuthorizeResult.ALLOW);
    expect(decide(licenseReadPermission.name, member)).toBe(AuthorizeResult.ALLOW);
  });

  it('gives every other License Management permission to members of an admin group only', () => {
    expect(adminOnly).toEqual(
      expect.arrayContaining([
        'license-management.license.create',
        'license-management.license.delete',
        'license-management.request-key.read',
        'license-management.record.read',
        'license-management.usage.update',
      ]),
    );
    for (const name of adminOnly) {
      expect([name, decide(name, member)]).toEqual([name, AuthorizeResult.ALLOW]);
      expect([name, decide(name, other)]).toEqual([name, AuthorizeResult.DENY]);
      expect([name, decide(name, undefined)]).toEqual([name, AuthorizeResult.DENY]);
    }
  });

  it('treats permissions of the plugin it does not know yet (sharing) as admin permissions', () => {
    expect(decide('license-management.sharing.manage', member)).toBe(AuthorizeResult.ALLOW);
    expect(decide('license-management.sharing.manage', other)).toBe(AuthorizeResult.DENY);
  });

  it('matches user refs as admins, by userEntityRef and case-insensitively', () => {
    expect(decide('license-management.license.create', user('User:default/ROOT', []))).toBe(AuthorizeResult.ALLOW);
  });

  it('falls back to the credentials principal when the user info has no ref', () => {
    const u = { credentials: { principal: { type: 'user', userEntityRef: 'user:default/root' } } } as any;
    expect(decide('license-management.license.delete', u)).toBe(AuthorizeResult.ALLOW);
  });

  it('takes the default namespace for admin refs written without one', () => {
    const decision = decideLicenseManagementPermission(
      { permission: permissionNamed('license-management.record.read') },
      member,
      { adminRefs: ['group:license-admins'] },
    );
    expect(decision?.result).toBe(AuthorizeResult.ALLOW);
  });

  it('denies every admin permission when no admin refs are configured', () => {
    for (const name of adminOnly) {
      const decision = decideLicenseManagementPermission({ permission: permissionNamed(name) }, member, { adminRefs: [] });
      expect(decision?.result).toBe(AuthorizeResult.DENY);
    }
  });

  it('does not match a prefix of a ref or another namespace', () => {
    const near = user('user:default/ann', ['group:default/license-admins-old', 'group:other/license-admins']);
    expect(decide('license-management.license.create', near)).toBe(AuthorizeResult.DENY);
  });

  it('leaves permissions of other plugins to the caller', () => {
    expect(decide('catalog.entity.read', member)).toBeUndefined();
    expect(decide('license-managementX.license.create', other)).toBeUndefined();
    expect(decide('scaffolder.action.execute', undefined)).toBeUndefined();
  });
});

describe('readLicenseAdminRefs', () => {
  // A stand-in for the config service; the backend module's tests read real config.
  const read = (adminGroups?: string[]) =>
    readLicenseAdminRefs({
      getOptionalStringArray: key => (key === 'licenseManagement.adminGroups' ? adminGroups : undefined),
    });

  it('reads group and user refs, adding the default namespace', () => {
    expect(read(['group:default/license-admins', ' User:ops/jo ', 'group:admins'])).toEqual([
      'group:default/license-admins',
      'user:ops/jo',
      'group:default/admins',
    ]);
  });

  it('is empty when not configured', () => {
    expect(read()).toEqual([]);
    expect(read([])).toEqual([]);
  });

  it('rejects entries that are not group or user refs, naming the entry', () => {
    expect(() => read(['group:default/ok', 'license-admins'])).toThrow(
      /licenseManagement\.adminGroups\[1\] 'license-admins' is not a group or user entity ref; write it as group:<namespace>\/<name>/,
    );
    expect(() => read(['component:default/x'])).toThrow(/not a group or user entity ref/);
    expect(() => read(['group:a/b/c'])).toThrow(/not a group or user entity ref/);
  });
});
