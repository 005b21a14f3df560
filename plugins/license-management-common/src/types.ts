import type { LicenseCatalogDefinition } from './catalog';
import type {
  CheckCode,
  DegradingException,
  ExceptionCode,
  LicenseMethod,
  LicenseState,
  LicenseType,
  PortalState,
  RecordAction,
  ServerStatus,
  UsbKeyStatus,
} from './lists';

export type { CheckCode, DegradingException, ExceptionCode, LicenseMethod, LicenseState, LicenseType, PortalState, RecordAction, ServerStatus, UsbKeyStatus };

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
  /** On a license server: the quota leased to client sites now (0 elsewhere). */
  leased: number;
  /** used + leased above authorized (while the metric's slot is licensed): QUOTA_EXCEEDED. */
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
  /**
   * What degrades the portal (`degradedBy()`): features are denied although
   * the Base may be valid. Empty when nothing does. The page shows
   * "Degraded: …" from it while `state` is `valid`.
   */
  degradedBy: DegradingException[];
  usbKey: UsbKeyView;
  server: LicenseServerView;
  evaluatedAt: string;
  /**
   * The catalog the portal runs with (`licenseManagement.catalog` in config,
   * or the default): titles of editions, modules, features and metrics. The
   * frontend reads every title and record filter value from here and from
   * {@link LIST_TITLES}; it compiles no catalog of its own.
   */
  catalog: LicenseCatalogDefinition;
}

/** Server licensing (PRODUCT.md §2.6), as `/status.server`. */
export interface LicenseServerView {
  status: ServerStatus;
  /** The license server this client site leases from; null on a server or without one. */
  url: string | null;
  /** The last successful lease or renewal (ISO-8601); null before the first. */
  lastContactAt: string | null;
  /** The lease holds until then: the last success + `grace` (ISO-8601); null without a lease. */
  graceUntil: string | null;
  /** What the status means and what to do; for `refused`, the server's reason. */
  message: string | null;
}

/** `GET /server`: this portal as a client site (PRODUCT.md §2.6); never the credential. */
export interface ServerConnection {
  url: string | null;
  modules: string[];
  quota: Record<string, number>;
  /** `licenseManagement.server` in config, `PUT /server` (stored, wins over config), or none. */
  source: 'config' | 'runtime' | 'none';
}

/** What one management node (a backend replica) last saw on its USB bus (`/status.usbKey.nodes[]`). */
export interface UsbKeyNodeView {
  /** The node id (`licenseManagement.usbKey.nodeId`, default the host name). */
  node: string;
  /** The serials (Key IDs) of the matching devices it sees. */
  keys: string[];
  /** Matching devices whose serial could not be read: why, one entry per device. */
  faults: string[];
  /** False when that host has no usable USB subsystem (no bus, no permission, no driver); `reason` says why. */
  available: boolean;
  reason: string | null;
  /** When it last looked (ISO-8601). Nodes not seen within `nodeTimeout` are not listed. */
  seenAt: string;
}

/** The USB key (PRODUCT.md §2.7), as `/status.usbKey`. */
export interface UsbKeyView {
  status: UsbKeyStatus;
  /**
   * The key USB-key licenses run on now: the ready key; while `abnormal`, the
   * key that was ready before (if still plugged in); while `fault`, the key
   * the buffer is for until `bufferEndsAt`. Null when none counts.
   */
  keyId: string | null;
  /** `licenseManagement.usbKey.enabled`; when false the status is `missing` and nothing is scanned. */
  enabled: boolean;
  /** The management nodes seen within `nodeTimeout`, by node id. */
  nodes: UsbKeyNodeView[];
  /** What the status means and what to do, in one or two sentences. */
  message: string;
  /** The readable keys plugged into a live node: what `usb-key` uploads may be bound to. */
  presentKeys: string[];
  /** While `fault` (or after one, until a key is read again): when the fault began (ISO-8601). */
  faultSince: string | null;
  /** When the fault buffer ends, or ended (ISO-8601); null without a fault. */
  bufferEndsAt: string | null;
  /** When this replica last scanned its own bus (ISO-8601); null when disabled or not yet. */
  scannedAt: string | null;
  /** How often each node scans (seconds): the page may poll at that pace while it rescans. */
  pollIntervalSeconds: number;
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
