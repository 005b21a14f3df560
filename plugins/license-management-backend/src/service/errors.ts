import { CustomErrorBase } from '@backstage/errors';

/**
 * An upload over the size limit. Rendered with status 413 by the router's
 * error handler, in Backstage's standard error body.
 */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  readonly statusCode = 413;
}
