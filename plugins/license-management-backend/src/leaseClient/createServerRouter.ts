import { audited } from '../router/audited';
import type { AuditorService, HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { type LicenseCatalog, licenseCreatePermission } from '@backstage-licensing/plugin-license-management-common';
import type express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { actorOf, createGuard } from '../router/auth';
import { licenseErrorHandler } from '../router/licenseErrorHandler';
import { readJson } from '../router/readJson';
import { baseUrlOf, serverSettingProblem } from './config';
import type { LeaseClient } from './LeaseClient';

export interface ServerRouterOptions {
  leaseClient: LeaseClient;
  catalog: LicenseCatalog;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor?: AuditorService;
}

const connectSchema = z
  .object({
    url: z.string().min(1).max(2048),
    credential: z.string().min(1).max(1024),
    modules: z.array(z.string().min(1).max(64)).max(100).optional(),
    quota: z.record(z.string().min(1).max(128), z.number()).optional(),
  })
  .strict();

/**
 * This portal as a client site (PRODUCT.md §2.2, §2.6): `GET /server` (signed
 * in; never the credential), `PUT /server` and `DELETE /server`
 * (`license-management.license.create`).
 */
export function createServerRouter(options: ServerRouterOptions): express.Router {
  const { leaseClient, catalog } = options;
  const guard = createGuard(options.httpAuth, options.permissions);
  const router = Router();

  router.get('/server', async (req, res) => {
    await guard.signedIn(req);
    res.json(await leaseClient.connection());
  });

  router.put('/server', async (req, res) => {
    const credentials = await guard.require(req, licenseCreatePermission);
    const parsed = connectSchema.safeParse(await readJson(req));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue.path.length ? `'${issue.path.join('.')}'` : 'the body';
      throw new InputError(`Invalid server connection: ${where} ${issue.message.toLowerCase()}. Send { url, credential, modules?, quota? }.`);
    }
    const setting = {
      url: baseUrlOf(parsed.data.url.trim()),
      credential: parsed.data.credential.trim(),
      modules: [...new Set(parsed.data.modules ?? [])],
      quota: parsed.data.quota ?? {},
    };
    const problem = serverSettingProblem(setting, catalog, 'server');
    if (problem) throw new InputError(`Invalid server connection: ${problem}`);
    const meta = { url: setting.url };
    const server = await audited(options.auditor, req, 'license-server-connect', 'medium', () => leaseClient.connect(setting, actorOf(credentials)), () => meta, meta);
    res.json({ ...(await leaseClient.connection()), server });
  });

  router.delete('/server', async (req, res) => {
    const credentials = await guard.require(req, licenseCreatePermission);
    await audited(options.auditor, req, 'license-server-disconnect', 'medium', () => leaseClient.disconnect(actorOf(credentials)), () => ({}), {});
    res.status(204).end();
  });

  router.use(licenseErrorHandler());
  return router;
}
