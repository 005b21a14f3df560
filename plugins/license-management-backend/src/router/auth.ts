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
}

export function createGuard(httpAuth: HttpAuthService, permissions: PermissionsService): Guard {
  return {
    async require(req, permission) {
      const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
      const [decision] = await permissions.authorize([{ permission }], { credentials });
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `You are not allowed to do this: it needs the '${permission.name}' permission. Ask a portal admin.`,
        );
      }
      return credentials;
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
