import type { LicenseCatalogDefinition } from './catalog';
import type {
  CheckCode,
  ExceptionCode,
  LicenseMethod,
  LicenseState,
  LicenseType,
  PortalState,
  RecordAction,
} from './lists';

export type { CheckCode, ExceptionCode, LicenseMethod, LicenseState, LicenseType, PortalState, RecordAction };

/** A license as the domain sees it once its token is verified and stored. Times in ms. */
export interface InstalledLicense {
  id: string;
  type: LicenseType;
  item: string;
  method: LicenseMethod;
  keyId: string;
  issuer: string;
  customer?: string;
  quota: Record<string, number>;
  issuedAt: number;
  notBefore?: number;
  expiresAt: number;
  uploadedAt: number;
  /** Upload order: the higher, the later. Decides which valid license holds a slot. */
  uploadSeq: number;
}

/** A license as the HTTP API returns it. Times are ISO-8601 strings. */
export interface LicenseView {
  id: string;
  type: LicenseType;
  item: string;
  title: string;
  method: LicenseMethod;
  keyId: string;
  issuer: string;
  customer: string | null;
  state: LicenseState;
  issuedAt: string;
  notBefore: string | null;
  expiresAt: string;
  quota: Record<string, number>;
  /** May an admin delete it (`DELETE /licenses/:id`)? Decided by the server (`isDeletable`). */
  deletable: boolean;
  uploadedAt: string;
  /**
   * The last day it is valid, as the vendor typed it: `YYYY-MM-DD` (UTC),
   * `validThroughOf(expiresAt)`. People read "valid through <this day>".
   */
  validThrough: string;
  /** Whole days from the instant judged until it expires (0 on its last day); null once expired. */
  daysLeft: number | null;
  /**
   * In force, and its slot will have no valid license within the configured
   * `expiryWarningDays`, counting renewals already loaded: what
   * LICENSE_EXPIRING warns of. A renewed license is not expiring soon.
   */
  expiringSoon: boolean;
}

export interface LicenseException {
  code: ExceptionCode;
  message: string;
  /** For LICENSE_EXPIRING: the slot ('base' or a module id), when it runs out and days left. */
  slot?: string;
  expiresAt?: string;
  daysLeft?: number;
  /** For QUOTA_EXCEEDED: the metric. */
  metric?: string;
  /** For LICENSE_TAMPERED: the license whose stored data does not match its token. */
  licenseId?: string;
}

/** One reporter's share of a metric's use (usage is stored per reporter and summed). */
export interface UsageReport {
  /** `provider:<id>` (a usage provider), `plugin:<id>`, or the principal that called `PUT /usage`. */
  reporter: string;
  used: number;
  /** When it last reported (ISO-8601). */
  reportedAt: string;
}

export interface QuotaView {
  metric: string;
  title: string;
  authorized: number;
  used: number;
  exceeded: boolean;
  /** Who reported the use, largest share first. */
  reporters: UsageReport[];
}

/** One metric's use, as `GET /usage` returns it (`{ items: UsageView[] }`), for every catalog metric. */
export interface UsageView {
  metric: string;
  title: string;
  /** The sum of the reports. */
  used: number;
  /** The quota of the licenses in force; null when none authorizes the metric. */
  authorized: number | null;
  reporters: UsageReport[];
}

export interface LicenseStatus {
  edition: string;
  editionTitle: string;
  state: PortalState;
  method: LicenseMethod | 'server' | null;
  productVersion: string;
  keyId: string;
  base: LicenseView | null;
  plus: LicenseView[];
  quotas: QuotaView[];
  exceptions: LicenseException[];
  usbKey: { status: 'ready' | 'missing' | 'abnormal' | 'fault'; keyId: string | null; enabled: boolean };
  server: { status: 'not-configured' | 'connected' | 'disconnected' | 'serving'; url: string | null };
  evaluatedAt: string;
  /**
   * The catalog the portal runs with (`licenseManagement.catalog` in config,
   * or the default): titles of editions, modules, features and metrics. The
   * frontend reads every title and record filter value from here and from
   * {@link LIST_TITLES}; it compiles no catalog of its own.
   */
  catalog: LicenseCatalogDefinition;
}

export interface CheckRequest {
  feature: string;
  metric?: string;
  amount?: number;
}

export interface CheckResult {
  allowed: boolean;
  code: CheckCode;
  message: string;
}

/** One row of the append-only licensing history. */
export interface LicenseRecord {
  id: string;
  time: string;
  action: RecordAction;
  licenseId: string | null;
  type: LicenseType | null;
  item: string | null;
  method: LicenseMethod | null;
  quota: Record<string, number>;
  state: LicenseState | null;
  issuedAt: string | null;
  expiresAt: string | null;
  actor: string;
  detail: string | null;
}

export interface RecordPage {
  items: LicenseRecord[];
  nextCursor: string | null;
}

export interface UploadResult {
  installed: LicenseView[];
  unchanged: LicenseView[];
  /** Licenses that were in force and that this upload superseded (state `superseded`). */
  superseded: LicenseView[];
}

/** The answer of `POST /licenses/:id/reinstate`. */
export interface ReinstateResult {
  /** The license, back in force. */
  reinstated: LicenseView;
  /** Licenses that were in force in its slot and are superseded now. */
  superseded: LicenseView[];
}

/**
 * The 409 body of an upload or a reinstatement that would downgrade the
 * licenses in force and was not acknowledged (`?acknowledge=true`). It is
 * Backstage's standard error body (`error`, `request`, `response`) with
 * `message` and `consequences` also at the top level; `error.consequences`
 * holds the same list.
 */
export interface DowngradeRefusalBody {
  message: string;
  /** Each one sentence: features that would be lost, quotas that use would exceed. */
  consequences: string[];
  error: { name: 'ConflictError'; message: string; consequences: string[] };
  request?: { method: string; url: string };
  response: { statusCode: 409 };
}
