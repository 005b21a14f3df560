import { InputError, serializeError } from '@backstage/errors';
import type { ErrorRequestHandler, Request } from 'express';
import { DowngradeRefusedError } from '../service/downgrade';
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
 * Renders a refused downgrade as Backstage's standard error body (409,
 * `error.consequences` included) with `message` and `consequences` also at
 * the top level: `{ message, consequences: [...] }` as PRODUCT.md §2.1 has it.
 * Every other error goes on to the backend's error handler.
 */
export function downgradeRefusalHandler(): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (!(error instanceof DowngradeRefusedError) || res.headersSent) {
      next(error);
      return;
    }
    res.status(409).json({
      error: serializeError(error),
      request: { method: req.method, url: req.originalUrl },
      response: { statusCode: 409 },
      message: error.message,
      consequences: error.consequences,
    });
  };
}
