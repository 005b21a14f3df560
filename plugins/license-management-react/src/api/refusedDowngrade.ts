import { ResponseError } from '@backstage/errors';

/** An upload or reinstatement the server refused because it would downgrade the licenses in force. */
export interface RefusedDowngrade {
  /** The server's message: what was not done, and how to do it anyway. */
  message: string;
  /** One sentence each: features that would be lost, quotas that use would exceed. */
  consequences: string[];
}

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.length > 0 && value.every(v => typeof v === 'string') ? value : undefined;

/**
 * The consequences of a refused downgrade (a 409 whose body carries
 * `consequences`, PRODUCT.md §2.1), read from the ResponseError the API
 * client rejects with; undefined for any other error. Send the request again
 * with `acknowledge: true` to go ahead.
 */
export function refusedDowngrade(error: unknown): RefusedDowngrade | undefined {
  if (!ResponseError.is(error) || error.statusCode !== 409) return undefined;
  const body = error.body as { consequences?: unknown; message?: unknown };
  const consequences = strings(body.consequences) ?? strings((error.cause as { consequences?: unknown }).consequences);
  if (!consequences) return undefined;
  const message = typeof body.message === 'string' ? body.message : error.cause.message;
  return { message, consequences };
}
