import { TestApiProvider } from '@backstage/test-utils';
import { permissionApiRef, type PermissionApi } from '@backstage/plugin-permission-react';
import { renderHook, waitFor } from '@testing-library/react';
import React, { type ReactNode } from 'react';
import { useLicensePermissions } from './useLicensePermissions';

function withPermissions(allowed: string[]) {
  const api: PermissionApi = {
    authorize: async req => ({ result: (allowed.includes(req.permission.name) ? 'ALLOW' : 'DENY') as any }),
  };
  return ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[permissionApiRef, api]]}>{children}</TestApiProvider>
  );
}

describe('useLicensePermissions', () => {
  it('answers each License Management permission of the signed-in user', async () => {
    const { result } = renderHook(() => useLicensePermissions(), {
      wrapper: withPermissions([
        'license-management.license.create',
        'license-management.record.read',
        'license-management.sharing.manage',
      ]),
    });
    expect(result.current).toMatchObject({ canUpload: false, canDelete: false });
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current).toEqual({
      canUpload: true,
      canDelete: false,
      canRequestKey: false,
      canReadRecords: true,
      canManageSharing: true,
      loading: false,
    });
  });
});
