import { ConflictError, InputError, serializeError } from '@backstage/errors';
import { toBackstageError } from '@backstage-licensing/plugin-license-management-node';
import type { ErrorRequestHandler, Request } from 'express';
import { stopReading } from './receiveBody';

/**
 * `?acknowledge=true` on an upload or a reinstatement: the admin accepts its
 * consequences (PRODUCT.md §2.1). Absent or `false`: a downgrade is refused.
 * Any other value is a 400, so that a typo does not read as a refusal; the
 * request's body (an upload) is then not read.
 */
export function acknowledged(req: Request): boolean {
  const value = req.query.acknowledge;
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  stopReading(req);
  throw new InputError(
    `Invalid query: 'acknowledge' must be 'true' (accept the consequences of a downgrade) or 'false'; got ${JSON.stringify(value).slice(0, 100)}.`,
  );
}

/**
 * Maps the kind of a license rule's error to HTTP (toBackstageError:
 * `invalid` 400, `not-found` 404, `conflict` 409, `too-large` 413) for the
 * backend's error handler, which writes Backstage's standard error body. A
 * refused downgrade (a conflict with `consequences`) is written here: the
 * standard body (`error.consequences` included) with `message` and
 * `consequences` also at the top level, `{ message, consequences: [...] }`
 * as PRODUCT.md §2.1 has it.
 */
export function licenseErrorHandler(): ErrorRequestHandler {
  return (error, req, res, next) => {
    const mapped = toBackstageError(error);
    const consequences = (mapped as { consequences?: unknown }).consequences;
    if (res.headersSent || !(mapped instanceof ConflictError) || !Array.isArray(consequences)) {
      next(mapped);
      return;
    }
    res.status(409).json({
      error: serializeError(mapped),
      request: { method: req.method, url: req.originalUrl },
      response: { statusCode: 409 },
      message: mapped.message,
      consequences,
    });
  };
}
