import type { LicenseType } from './catalog';

export type { LicenseType };
export type LicenseMethod = 'request-key' | 'usb-key';
/**
 * `tampered`: the stored row no longer matches its signed token (or the token
 * no longer verifies); the license is not in force (PRODUCT.md §2.1).
 */
export type LicenseState = 'valid' | 'superseded' | 'pending' | 'expired' | 'tampered';
export type PortalState = 'valid' | 'expired' | 'community';

export type ExceptionCode =
  | 'LICENSE_EXPIRING'
  | 'LICENSE_EXPIRED'
  | 'QUOTA_EXCEEDED'
  | 'LICENSE_SERVER_DISCONNECTED'
  | 'USB_KEY_MISSING'
  | 'USB_KEY_FAULT'
  | 'USB_KEY_ABNORMAL'
  | 'CLOCK_ROLLBACK'
  | 'LICENSE_TAMPERED';

export type CheckCode =
  | 'OK'
  | 'NOT_LICENSED'
  | 'EXPIRED'
  | 'QUOTA_EXCEEDED'
  | 'CLOCK_ROLLBACK';

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
  deletable: boolean;
  uploadedAt: string;
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

export interface QuotaView {
  metric: string;
  title: string;
  authorized: number;
  used: number;
  exceeded: boolean;
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

export type RecordAction =
  | 'upload'
  | 'replace'
  | 'delete'
  | 'expire'
  | 'reload'
  | 'lease'
  /** A superseded license brought back into force by an admin (POST /licenses/:id/reinstate). */
  | 'reinstate'
  /** The clock: a jump seen by a replica, or an admin acknowledging a clock fault. */
  | 'clock';

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
