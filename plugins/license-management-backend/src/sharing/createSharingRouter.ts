import { parse } from '../router/parseBody';
import { audited } from '../router/audited';
import type { AuditorService, HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { isUsageFigure, sharingManagePermission } from '@backstage-licensing/plugin-license-management-common';
import type express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { actorOf, createGuard } from '../router/auth';
import { licenseErrorHandler } from '../router/licenseErrorHandler';
import { readJson } from '../router/readJson';
import { leaseAuthGate, type LeaseAuthLimiter } from './leaseAuthLimit';
import type { LeaseServer } from './LeaseServer';

/** The paths a client site calls with its own credential instead of a Backstage one. */
export const LEASE_PATH = '/sharing/lease';

export interface SharingRouterOptions {
  leaseServer: LeaseServer;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor?: AuditorService;
  /** Failed credential checks per client address (default: LEASE_AUTH_LIMIT on the engine's clock). */
  leaseAuthLimiter?: LeaseAuthLimiter;
}

const siteSchema = z.object({ name: z.string().min(1).max(100) }).strict();
const leaseSchema = z
  .object({
    modules: z.array(z.string().min(1).max(64)).max(100).optional(),
    quota: z.record(z.string().min(1).max(64), z.number().refine(isUsageFigure, 'must be an integer of 0 or more')).optional(),
  })
  .strict();

/**
 * The routes of a license server (PRODUCT.md §2.6). Sites and the pool need
 * `license-management.sharing.manage`; the lease routes take a client site's
 * credential (the plugin lets them through Backstage's auth with
 * `addAuthPolicy({ path: LEASE_PATH, allow: 'unauthenticated' })`). On a
 * portal without sharing enabled every route here is a 404.
 */
export function createSharingRouter(options: SharingRouterOptions): express.Router {
  const { leaseServer } = options;
  const guard = createGuard(options.httpAuth, options.permissions);
  const router = Router();
  // Too many failed credential checks from an address: 429 without a database lookup.
  const authenticate = leaseAuthGate(leaseServer, options.leaseAuthLimiter);

  const enabled = () => {
    if (!leaseServer.enabled) {
      throw new NotFoundError('License sharing is not enabled on this portal: set licenseManagement.sharing.enabled to true to make it a license server.');
    }
  };

  router.get('/sharing/sites', async (req, res) => {
    await guard.require(req, sharingManagePermission);
    enabled();
    res.json(await leaseServer.listSites());
  });

  router.post('/sharing/sites', async (req, res) => {
    const credentials = await guard.require(req, sharingManagePermission);
    enabled();
    const { name } = parse(siteSchema, await readJson(req), 'client site');
    const site = await audited(options.auditor, req, 'sharing-site-register', 'medium', () => leaseServer.registerSite(name, actorOf(credentials)), () => ({ name }), { name });
    res.status(201).json(site);
  });

  router.delete('/sharing/sites/:id', async (req, res) => {
    const credentials = await guard.require(req, sharingManagePermission);
    enabled();
    const meta = { siteId: req.params.id };
    await audited(options.auditor, req, 'sharing-site-revoke', 'medium', () => leaseServer.revokeSite(req.params.id, actorOf(credentials)), () => meta, meta);
    res.status(204).end();
  });

  router.get('/sharing/pool', async (req, res) => {
    await guard.require(req, sharingManagePermission);
    enabled();
    res.json({ items: await leaseServer.pool() });
  });

  router.put(LEASE_PATH, async (req, res) => {
    enabled();
    // The credential first: an unknown caller learns nothing from the body's validation.
    const siteId = await authenticate(req, res);
    const terms = parse(leaseSchema, await readJson(req), 'lease request');
    res.json(await leaseServer.lease(siteId, terms));
  });

  router.delete(LEASE_PATH, async (req, res) => {
    enabled();
    await leaseServer.release(await authenticate(req, res));
    res.status(204).end();
  });

  router.use(licenseErrorHandler());
  return router;
}
