import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import type { Request } from 'express';

export interface Guard {
  /** The caller's credentials (401 without any) after a permission check (403 when denied). */
  require(req: Request, permission: BasicPermission): Promise<BackstageCredentials>;
  /**
   * As `require`, but a user's decision is reused for a short while (see
   * `GuardOptions.cacheMs`). For read permissions only, where a decision that
   * is a few seconds old does no harm and asking the permission backend on
   * every request would cost more than the answer.
   */
  requireCached(req: Request, permission: BasicPermission): Promise<BackstageCredentials>;
  /** The caller's credentials (401 without any), for routes that need no permission. */
  signedIn(req: Request): Promise<BackstageCredentials>;
}

export interface GuardOptions {
  /** How long a user's decision is reused by `requireCached`; 0 never reuses. */
  cacheMs?: number;
  /** At most this many decisions are kept; the oldest go first. */
  maxEntries?: number;
  now?: () => number;
}

interface CachedDecision {
  until: number;
  allowed: Promise<boolean>;
}

const ALLOW_CALLERS = { allow: ['user', 'service'] as Array<'user' | 'service'> };

export function createGuard(
  httpAuth: HttpAuthService,
  permissions: PermissionsService,
  options: GuardOptions = {},
): Guard {
  const { cacheMs = 0, maxEntries = 10_000, now = Date.now } = options;
  const cache = new Map<string, CachedDecision>();

  async function allowed(credentials: BackstageCredentials, permission: BasicPermission): Promise<boolean> {
    const [decision] = await permissions.authorize([{ permission }], { credentials });
    return decision.result === AuthorizeResult.ALLOW;
  }

  function refuse(permission: BasicPermission): never {
    throw new NotAllowedError(
      `You are not allowed to do this: it needs the '${permission.name}' permission. Ask a portal admin.`,
    );
  }

  /**
   * A user's decision, shared by concurrent requests and reused until it is
   * `cacheMs` old. Service principals are not cached: the permissions service
   * judges them locally, access restrictions of their token included.
   */
  function cachedAllowed(credentials: BackstageCredentials, permission: BasicPermission): Promise<boolean> {
    const principal = credentials.principal as { type: string; userEntityRef?: string };
    if (cacheMs <= 0 || principal.type !== 'user' || !principal.userEntityRef) {
      return allowed(credentials, permission);
    }
    const key = `${permission.name} ${principal.userEntityRef}`;
    const t = now();
    const hit = cache.get(key);
    if (hit && hit.until > t) return hit.allowed;
    const entry: CachedDecision = { until: t + cacheMs, allowed: allowed(credentials, permission) };
    cache.delete(key);
    cache.set(key, entry);
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
    // A failed authorization is not remembered.
    entry.allowed.catch(() => {
      if (cache.get(key) === entry) cache.delete(key);
    });
    return entry.allowed;
  }

  return {
    async require(req, permission) {
      const credentials = await httpAuth.credentials(req, ALLOW_CALLERS);
      if (!(await allowed(credentials, permission))) refuse(permission);
      return credentials;
    },
    async requireCached(req, permission) {
      const credentials = await httpAuth.credentials(req, ALLOW_CALLERS);
      if (!(await cachedAllowed(credentials, permission))) refuse(permission);
      return credentials;
    },
    signedIn(req) {
      return httpAuth.credentials(req, ALLOW_CALLERS);
    },
  };
}

/** Who acted, for the records: a user entity ref or a service subject. */
export function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as { type?: string; userEntityRef?: string; subject?: string };
  if (principal.type === 'user' && principal.userEntityRef) return principal.userEntityRef;
  if (principal.type === 'service' && principal.subject) return principal.subject;
  return 'unknown';
}
