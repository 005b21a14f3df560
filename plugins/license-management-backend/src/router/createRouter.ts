import { parse } from './parseBody';
import { audited } from './audited';
import type {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  isUsageFigure,
  LICENSE_METHODS,
  LICENSE_STATES,
  LICENSE_TYPES,
  licenseCreatePermission,
  licenseDeletePermission,
  licenseReadPermission,
  RECORD_ACTIONS,
  recordReadPermission,
  requestKeyReadPermission,
  usageUpdatePermission,
} from '@backstage-licensing/plugin-license-management-common';
import { PayloadTooLargeError } from '@backstage-licensing/plugin-license-management-node';
import express, { type Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { INVALID_CURSOR_MESSAGE, readRecordCursor } from '../database/recordCursor';
import type { DefaultLicenseEngine } from '../service/DefaultLicenseEngine';
import { acknowledged } from './acknowledge';
import { licenseErrorHandler } from './licenseErrorHandler';
import { actorOf, createGuard } from './auth';
import { readJson } from './readJson';
import { readUpload } from './readUpload';

export interface RouterOptions {
  engine: DefaultLicenseEngine;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor?: AuditorService;
  /** How long a user's license.read decision is reused by the read routes; 0 never. */
  readPermissionCacheMs?: number;
}

const checkSchema = z
  .object({
    feature: z.string().min(1),
    metric: z.string().min(1).optional(),
    amount: z.number().refine(isUsageFigure, 'must be an integer of 0 or more').optional(),
  })
  .strict();

const usageSchema = z.object({ used: z.number().refine(isUsageFigure, 'must be an integer of 0 or more') }).strict();

const recordsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().refine(c => readRecordCursor(c) !== undefined, INVALID_CURSOR_MESSAGE).optional(),
    type: z.enum(LICENSE_TYPES).optional(),
    item: z.string().min(1).max(64).optional(),
    method: z.enum(LICENSE_METHODS).optional(),
    state: z.enum(LICENSE_STATES).optional(),
    action: z.enum(RECORD_ACTIONS).optional(),
    licenseId: z.string().min(1).max(128).optional(),
    q: z.string().min(1).max(100).optional(),
  })
  .strict();

/** The HTTP API of PRODUCT.md §2.2. Thin: parse, authorize, call the engine. */
export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { engine } = options;
  const guard = createGuard(options.httpAuth, options.permissions, {
    cacheMs: options.readPermissionCacheMs ?? 0,
  });
  const router = Router();
  // JSON bodies (POST /check, PUT /usage) are read by readJson: the bytes
  // received count against the limit, chunked or not.

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // An authenticated no-op: the baseline of the HTTP benchmark (test/bench), and
  // a way for a client to test its credentials.
  router.get('/ping', async (req, res) => {
    await guard.signedIn(req);
    res.json({ status: 'ok' });
  });

  router.get('/status', async (req, res) => {
    await guard.requireCached(req, licenseReadPermission);
    res.json(engine.status());
  });

  // Every catalog metric: its use, its quota in force and each reporter's share.
  router.get('/usage', async (req, res) => {
    await guard.requireCached(req, licenseReadPermission);
    res.json({ items: engine.usage() });
  });

  router.get('/licenses', async (req, res) => {
    await guard.requireCached(req, licenseReadPermission);
    res.json(engine.listLicenses());
  });

  router.post('/licenses', async (req: Request, res) => {
    const credentials = await guard.require(req, licenseCreatePermission);
    const acknowledge = acknowledged(req);
    // An upload refused while it is read (over 1 MiB, no file) is recorded as rejected too.
    const bytes = await readUpload(req).catch(async e => {
      if (e instanceof InputError || e instanceof PayloadTooLargeError) {
        await engine.recordRejectedUpload(e.message, actorOf(credentials));
      }
      throw e;
    });
    const result = await audited(
      options.auditor,
      req,
      'license-upload',
      'medium',
      () => engine.upload(bytes, actorOf(credentials), { acknowledge }),
      r => ({
        installed: r.installed.map(l => l.id),
        unchanged: r.unchanged.map(l => l.id),
        superseded: r.superseded.map(l => l.id),
        acknowledged: String(acknowledge),
      }),
    );
    res.status(result.installed.length > 0 ? 201 : 200).json(result);
  });

  // A superseded license back in force (PRODUCT.md §2.1); a downgrade needs ?acknowledge=true.
  router.post('/licenses/:id/reinstate', async (req, res) => {
    const credentials = await guard.require(req, licenseCreatePermission);
    const acknowledge = acknowledged(req);
    const result = await audited(
      options.auditor,
      req,
      'license-reinstate',
      'high',
      () => engine.reinstate(req.params.id, actorOf(credentials), { acknowledge }),
      r => ({
        licenseId: r.reinstated.id,
        superseded: r.superseded.map(l => l.id),
        acknowledged: String(acknowledge),
      }),
    );
    res.json(result);
  });

  router.delete('/licenses/:id', async (req, res) => {
    const credentials = await guard.require(req, licenseDeletePermission);
    await audited(options.auditor, req, 'license-delete', 'high', () => engine.delete(req.params.id, actorOf(credentials)), () => ({
      licenseId: req.params.id,
    }));
    res.status(204).end();
  });

  router.post('/reload', async (req, res) => {
    const credentials = await guard.require(req, licenseCreatePermission);
    res.json(await audited(options.auditor, req, 'license-reload', 'low', () => engine.reload(actorOf(credentials))));
  });

  // An admin confirms a clock fault: the high-water mark is reset to the current time (recorded).
  router.post('/clock/acknowledge', async (req, res) => {
    const credentials = await guard.require(req, licenseCreatePermission);
    const result = await audited(
      options.auditor,
      req,
      'license-clock-acknowledge',
      'high',
      () => engine.acknowledgeClock(actorOf(credentials)),
      r => ({ previousHighWaterMark: r.previousHighWaterMark, highWaterMark: r.highWaterMark }),
    );
    res.json(result);
  });

  router.get('/key-id', async (req, res) => {
    await guard.requireCached(req, licenseReadPermission);
    res.json({ keyId: engine.keyId });
  });

  router.get('/request-key', async (req, res) => {
    await guard.require(req, requestKeyReadPermission);
    const text = await audited(options.auditor, req, 'request-key-download', 'low', () => engine.requestKey());
    res
      .type('text/plain')
      .attachment(`request-key-${engine.keyId}.txt`)
      .send(text);
  });

  router.get('/records', async (req, res) => {
    await guard.require(req, recordReadPermission);
    const { limit, cursor, ...filter } = parse(recordsQuery, req.query, 'query');
    res.json(await engine.records({ limit, cursor, filter }));
  });

  router.post('/check', async (req, res) => {
    await guard.requireCached(req, licenseReadPermission);
    res.json(engine.check(parse(checkSchema, await readJson(req), 'check request')));
  });

  router.put('/usage/:metric', async (req, res) => {
    const credentials = await guard.require(req, usageUpdatePermission);
    const { used } = parse(usageSchema, await readJson(req), 'usage report');
    await audited(options.auditor, req, 'usage-report', 'low', () => engine.reportUsage(req.params.metric, used, actorOf(credentials)), () => ({
      metric: req.params.metric,
      used,
    }));
    res.status(204).end();
  });

  router.use(licenseErrorHandler());
  return router;
}
