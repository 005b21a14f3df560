/**
 * What kind of failure a license rule reports. The domain says what went
 * wrong; the backend's router maps each kind to an HTTP status (and
 * `license-ctl` to its message), so no rule carries a status code.
 *
 * - `invalid`: the input is wrong (a token rejected, a file with no license, a Plus without a Base): 400
 * - `not-found`: no such license: 404
 * - `conflict`: the request clashes with what is stored (a Base cannot be deleted, an id reused, a downgrade not acknowledged): 409
 * - `too-large`: over a size limit of {@link LICENSE_FILE_LIMITS}: 413
 */
export const LICENSE_ERROR_KINDS = ['invalid', 'not-found', 'conflict', 'too-large'] as const;
export type LicenseErrorKind = (typeof LICENSE_ERROR_KINDS)[number];

/** A license rule refused something; `message` says what to do. */
export class LicenseError extends Error {
  override name = 'LicenseError';

  constructor(
    readonly kind: LicenseErrorKind,
    message: string,
    /** Extra fields for the error body, e.g. `{ consequences }` of a refused downgrade. */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

/** Is `e` a {@link LicenseError} (also across copies of this package)? */
export const isLicenseError = (e: unknown): e is LicenseError =>
  e instanceof LicenseError ||
  (e instanceof Error && e.name === 'LicenseError' && LICENSE_ERROR_KINDS.includes((e as LicenseError).kind));
