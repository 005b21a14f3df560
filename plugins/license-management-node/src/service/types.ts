import type {
  CheckRequest,
  CheckResult,
  LicenseStatus,
} from '@backstage-licensing/plugin-license-management-common';

/**
 * What backend plugins ask of License Management. Inject it with
 * `licenseServiceRef`.
 *
 * In the backend that runs the License Management plugin every call is
 * answered in process: `check` and `getStatus` read the in-memory snapshot
 * (no I/O, no crypto). In any other backend they call the HTTP API of the
 * `license-management` plugin with this plugin's service credentials.
 *
 * @public
 */
export interface LicenseService {
  /**
   * May `feature` be used, for `amount` (default 1) more units of `metric`?
   * Always resolves with an answer a person can act on (`message`); rejects
   * with an `InputError` for a feature or metric the catalog does not know,
   * or a metric that does not belong to the feature.
   */
  check(request: CheckRequest): Promise<CheckResult>;
  /** The whole picture, as `GET /status` returns it. */
  getStatus(): Promise<LicenseStatus>;
  /**
   * Reports this plugin's current use of a quota metric (an integer of 0 or
   * more). A metric's use is the sum of what each reporter last reported, so
   * report your own total; report 0 to withdraw it. Changes reach every
   * replica within seconds.
   */
  reportUsage(metric: string, used: number): Promise<void>;
}

/**
 * The license engine of the License Management backend plugin (its class is
 * `DefaultLicenseEngine`), as it registers itself in
 * `licenseEngineRegistryServiceRef` for in-process callers. Internal to
 * License Management: other plugins use {@link LicenseService}.
 *
 * @public
 */
export interface LicenseEngine {
  /**
   * Synchronous, from memory; throws a `LicenseError` (kind `invalid`) for a
   * malformed request ({@link LicenseService} turns it into an `InputError`).
   */
  check(request: CheckRequest): CheckResult;
  status(): LicenseStatus;
  /** `source` is who reports (for a plugin `plugin:<pluginId>`). Rejects with a `LicenseError` (`invalid`) for a bad report. */
  reportUsage(metric: string, used: number, source: string): Promise<void>;
}

/**
 * Counts current use of quota metrics, for example from the catalog or an
 * inventory system. Added by backend modules through
 * `licenseUsageExtensionPoint`; the License Management plugin calls
 * `getUsage` on its usage schedule (on one replica at a time) and stores the
 * figures.
 *
 * @public
 */
export interface LicenseUsageProvider {
  /** A short id, unique among providers; the figures are stored as reported by `provider:<id>`. */
  readonly id: string;
  /** The quota metrics this provider counts. Each must be a metric of the catalog. */
  readonly metrics: readonly string[];
  /** Current use of each of `metrics`: integers of 0 or more. A metric left out is not updated. */
  getUsage(): Promise<Record<string, number>>;
}
