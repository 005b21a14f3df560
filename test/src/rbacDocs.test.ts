/**
 * docs/rbac.md against the permissions the plugin declares: the RBAC policy
 * lines an admin pastes must name every admin permission with its action
 * attribute (RBAC matches nothing otherwise), and give license.read to every
 * signed-in user.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import {
  licenseManagementPermissions,
  licenseReadPermission,
} from '@backstage-licensing/plugin-license-management-common';

/** RBAC's action for a permission: the one it declares, or `use` when it declares none. */
const rbacAction = (attributes: { action?: string }) => attributes.action ?? 'use';

const doc = readFileSync(resolve(__dirname, '../../docs/rbac.md'), 'utf8');
const blocks = (lang: string) =>
  [...doc.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map(m => m[1]);

describe('docs/rbac.md', () => {
  const csv = blocks('csv').join('\n');
  const policies = csv
    .split('\n')
    .map(line => line.split(',').map(f => f.trim()))
    .filter(f => f[0] === 'p');

  it('gives the license-admin role every permission of the plugin, with its action', () => {
    for (const permission of licenseManagementPermissions) {
      expect(policies).toContainEqual([
        'p',
        'role:default/license-admin',
        permission.name,
        rbacAction(permission.attributes),
        'allow',
      ]);
    }
    expect(csv).toContain('g, group:default/license-admins, role:default/license-admin');
  });

  it('names no permission the plugin does not declare, nor a wrong action', () => {
    const declared = new Map(licenseManagementPermissions.map(p => [p.name, rbacAction(p.attributes)]));
    for (const [, , name, action] of policies) {
      expect([name, action]).toEqual([name, declared.get(name)]);
    }
  });

  it('lists the plugin for RBAC and gives license.read to every signed-in user', () => {
    const config = blocks('yaml')
      .map(b => parse(b))
      .find(c => c?.permission?.rbac?.pluginsWithPermission);
    expect(config.permission.rbac.pluginsWithPermission).toContain('license-management');
    expect(config.permission.rbac.defaultPermissions.basicPermissions).toContainEqual({
      permission: licenseReadPermission.name,
      action: licenseReadPermission.attributes.action,
    });
  });
});
