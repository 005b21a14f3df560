import { ConflictError, CustomErrorBase, InputError, NotFoundError } from '@backstage/errors';
import { isLicenseError, type LicenseErrorKind } from '@backstage-licensing/plugin-license-management-common';

/**
 * A request body over a size limit: status 413 in Backstage's standard error
 * body (the backend's error handler reads `statusCode`).
 *
 * @public
 */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  readonly statusCode = 413;
}

const BY_KIND: Record<LicenseErrorKind, new (message: string) => Error> = {
  invalid: InputError,
  'not-found': NotFoundError,
  conflict: ConflictError,
  'too-large': PayloadTooLargeError,
};

/** A status code a -node error of an earlier kind-less shape carries (`LicenseFileError.status`). */
const KIND_OF_STATUS: Record<number, LicenseErrorKind> = { 400: 'invalid', 404: 'not-found', 409: 'conflict', 413: 'too-large' };

/** The kind of a license rule's error: its `kind`, else (older errors) its `status`; undefined for other errors. */
export function licenseErrorKindOf(e: unknown): LicenseErrorKind | undefined {
  if (isLicenseError(e)) return e.kind;
  const { kind, status } = (e ?? {}) as { kind?: unknown; status?: unknown };
  if (e instanceof Error && typeof kind === 'string' && kind in BY_KIND) return kind as LicenseErrorKind;
  if (e instanceof Error && e.name === 'LicenseFileError' && typeof status === 'number') return KIND_OF_STATUS[status];
  return undefined;
}

/**
 * The Backstage error for a license rule's error, by its kind: `invalid` →
 * InputError (400), `not-found` → NotFoundError (404), `conflict` →
 * ConflictError (409), `too-large` → PayloadTooLargeError (413). The message
 * is kept, and the error's `details` (e.g. a refused downgrade's
 * `consequences`) become own fields of the result, so Backstage's error body
 * carries them. Any other error is returned as it is.
 *
 * @public
 */
export function toBackstageError(e: unknown): unknown {
  const kind = licenseErrorKindOf(e);
  if (!kind) return e;
  const mapped = new BY_KIND[kind]((e as Error).message);
  const details = isLicenseError(e) ? e.details : undefined;
  return details ? Object.assign(mapped, details) : mapped;
}
