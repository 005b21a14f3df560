import { ConflictError, serializeError } from '@backstage/errors';
import { toBackstageError } from '@backstage-licensing/plugin-license-management-node';
import type { ErrorRequestHandler } from 'express';

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
