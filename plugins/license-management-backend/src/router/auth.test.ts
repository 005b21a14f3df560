import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  licenseCreatePermission,
  licenseReadPermission,
} from '@backstage-licensing/plugin-license-management-common';
import type { Request } from 'express';
import { createGuard } from './auth';

/** A request carrying the given Authorization header. */
const req = (authorization: string) => ({ headers: { authorization } }) as unknown as Request;

function setup(results: AuthorizeResult[] | (() => Promise<never>), cacheMs = 10_000) {
  const clock = { now: 1_000_000 };
  const authorize = jest.fn(async () => {
    if (typeof results === 'function') return results();
    return [{ result: results.shift() ?? AuthorizeResult.ALLOW }];
  });
  const guard = createGuard(mockServices.httpAuth(), { authorize, authorizeConditional: jest.fn() } as any, {
    cacheMs,
    now: () => clock.now,
  });
  return { guard, authorize, clock };
}

const alice = req(mockCredentials.user.header('user:default/alice'));
const bob = req(mockCredentials.user.header('user:default/bob'));

describe('createGuard: the read decision cache', () => {
  it('asks the policy once per user within the cache time, and again after it', async () => {
    const { guard, authorize, clock } = setup([]);
    await guard.requireCached(alice, licenseReadPermission);
    await guard.requireCached(alice, licenseReadPermission);
    expect(authorize).toHaveBeenCalledTimes(1);
    await guard.requireCached(bob, licenseReadPermission);
    expect(authorize).toHaveBeenCalledTimes(2);
    clock.now += 10_000;
    await guard.requireCached(alice, licenseReadPermission);
    expect(authorize).toHaveBeenCalledTimes(3);
  });

  it('shares one policy question among concurrent requests of a user', async () => {
    const { guard, authorize } = setup([]);
    await Promise.all(Array.from({ length: 20 }, () => guard.requireCached(alice, licenseReadPermission)));
    expect(authorize).toHaveBeenCalledTimes(1);
  });

  it('keeps a denial for the cache time too, with the 403 message', async () => {
    const { guard, authorize, clock } = setup([AuthorizeResult.DENY, AuthorizeResult.ALLOW]);
    await expect(guard.requireCached(alice, licenseReadPermission)).rejects.toThrow(
      "You are not allowed to do this: it needs the 'license-management.license.read' permission. Ask a portal admin.",
    );
    await expect(guard.requireCached(alice, licenseReadPermission)).rejects.toThrow(/not allowed/);
    expect(authorize).toHaveBeenCalledTimes(1);
    clock.now += 10_001;
    await expect(guard.requireCached(alice, licenseReadPermission)).resolves.toMatchObject({
      principal: { userEntityRef: 'user:default/alice' },
    });
  });

  it('does not remember a failed policy question', async () => {
    let fail = true;
    const { guard, authorize } = setup(async () => {
      if (fail) throw new Error('permission backend unreachable');
      return [{ result: AuthorizeResult.ALLOW }] as never;
    });
    await expect(guard.requireCached(alice, licenseReadPermission)).rejects.toThrow(/unreachable/);
    fail = false;
    await expect(guard.requireCached(alice, licenseReadPermission)).resolves.toBeDefined();
    expect(authorize).toHaveBeenCalledTimes(2);
  });

  it('keeps decisions per permission', async () => {
    const { guard, authorize } = setup([AuthorizeResult.ALLOW, AuthorizeResult.DENY]);
    await guard.requireCached(alice, licenseReadPermission);
    await expect(guard.requireCached(alice, licenseCreatePermission)).rejects.toThrow(/license.create/);
    expect(authorize).toHaveBeenCalledTimes(2);
  });

  it('never caches service principals (their tokens\' access restrictions are judged each time) nor `require`', async () => {
    const { guard, authorize } = setup([]);
    const service = req(mockCredentials.service.header());
    await guard.requireCached(service, licenseReadPermission);
    await guard.requireCached(service, licenseReadPermission);
    await guard.require(alice, licenseReadPermission);
    await guard.require(alice, licenseReadPermission);
    expect(authorize).toHaveBeenCalledTimes(4);
  });

  it('asks every time when the cache time is 0', async () => {
    const { guard, authorize } = setup([], 0);
    await guard.requireCached(alice, licenseReadPermission);
    await guard.requireCached(alice, licenseReadPermission);
    expect(authorize).toHaveBeenCalledTimes(2);
  });

  it('refuses callers without credentials before asking anything (401)', async () => {
    const { guard, authorize } = setup([]);
    await expect(guard.requireCached(req(mockCredentials.none.header()), licenseReadPermission)).rejects.toMatchObject({
      name: 'AuthenticationError',
    });
    await expect(guard.signedIn(req(mockCredentials.none.header()))).rejects.toMatchObject({ name: 'AuthenticationError' });
    expect(authorize).not.toHaveBeenCalled();
  });
});
