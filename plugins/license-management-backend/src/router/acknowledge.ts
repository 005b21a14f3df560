import { InputError } from '@backstage/errors';
import type { Request } from 'express';
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
