import type {
  ChangeRecord,
  InstalledLicense,
  LicenseMethod,
  LicenseRecord,
  LicenseState,
  LicenseType,
  RecordAction,
} from '@backstage-licensing/plugin-license-management-common';

/**
 * The identity of an installation: its Key ID and Ed25519 key pair. As
 * stored, the Key ID and public key are columns; the manager derives both
 * from the private key and refuses a row where they disagree.
 */
export interface InstallationIdentity {
  keyId: string;
  publicKeyPem: string;
  privateKeyPem: string;
  createdAt: number;
}

/**
 * An installed license with its token and who uploaded it. As read from the
 * store these are the columns, untrusted; the manager verifies the token again
 * and takes every deciding field from it (service/storedLicenses.ts).
 */
export interface StoredLicense extends InstalledLicense {
  token: string;
  uploadedBy: string;
}

/** A license to install: as verified, before it has an upload order. */
export type NewLicense = Omit<StoredLicense, 'uploadSeq'>;

/** A record to append, as the domain decided it (changeRecords, rejectionRecord). Time in ms. */
export type NewRecord = ChangeRecord;

/** One reporter's last report of a metric's use. `reportedAt` in ms. */
export interface UsageReportRow {
  metric: string;
  reporter: string;
  used: number;
  reportedAt: number;
}

/** Current use per quota metric: the sum of what each reporter last reported. */
export function usageTotals(reports: readonly UsageReportRow[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const r of reports) totals[r.metric] = (totals[r.metric] ?? 0) + r.used;
  return totals;
}

/** A license the domain judged expired, and the record of its expiry. */
export interface Expiry {
  license: StoredLicense;
  record: NewRecord;
}

export interface RecordFilter {
  type?: LicenseType;
  item?: string;
  method?: LicenseMethod;
  state?: LicenseState;
  action?: RecordAction;
  licenseId?: string;
  /**
   * Free text: matches records whose license id, item, actor or detail
   * contains it, ignoring case; `%`, `_` and quotes are plain characters.
   * Served by a trigram index from 3 characters; a shorter text reads a
   * bounded number of records per page, so its pages may hold fewer than
   * `limit` records (database/recordSearch.ts).
   */
  q?: string;
}

export interface RecordQuery {
  limit: number;
  /**
   * Opaque: the `nextCursor` of a previous page (database/recordCursor.ts).
   * listRecords throws InvalidRecordCursorError for any other string.
   */
  cursor?: string;
  filter?: RecordFilter;
}

/** A write lost a race with another replica; the caller may retry. */
export class StoreConflictError extends Error {
  name = 'StoreConflictError';
}

/**
 * Persistence of the license plugin. Every write is one transaction and
 * bumps a revision counter that replicas poll to notice each other's changes.
 */
export interface LicenseStore {
  /** Stores the identity unless one exists; returns the one that is stored. */
  ensureInstallation(candidate: InstallationIdentity): Promise<InstallationIdentity>;
  /** Licenses that are installed and not deleted, in upload order. */
  listLicenses(): Promise<StoredLicense[]>;
  /** A license by id, deleted or not. */
  getLicense(id: string): Promise<(StoredLicense & { deletedAt?: number }) | undefined>;
  /** Licenses by id, deleted or not, in one query; ids not stored are absent. */
  getLicenses(ids: readonly string[]): Promise<Map<string, StoredLicense & { deletedAt?: number }>>;
  /**
   * Installs licenses and appends records in one transaction. A license
   * whose id was deleted is installed again as a new upload; the rows of
   * `replace` (tampered rows the upload restores) are replaced. Throws
   * StoreConflictError when an id is already installed.
   */
  installLicenses(licenses: NewLicense[], records: NewRecord[], options?: { replace?: readonly string[] }): Promise<void>;
  /** Marks a license deleted and appends records; false when it was not installed. */
  deleteLicense(id: string, at: number, actor: string, records: NewRecord[]): Promise<boolean>;
  /**
   * Makes an installed license the newest upload (a new upload order, upload
   * time `at` by `actor`) and appends records, in one transaction. False, with
   * nothing changed, when the license is not installed with upload order
   * `expectedSeq` any more (deleted, or moved by another request).
   */
  reinstateLicense(id: string, expectedSeq: number, at: number, actor: string, records: NewRecord[]): Promise<boolean>;
  /** Appends records (for events that change no license). */
  appendRecords(records: NewRecord[]): Promise<void>;
  /**
   * Stores the expiries the domain decided (evaluateLicenses judged each
   * license expired; changeRecords made its record), once per stored license
   * across all replicas and restarts: a license whose expiry is recorded
   * already, or that was deleted, is skipped. Decides nothing about time.
   * Returns the licenses newly marked.
   */
  recordExpiries(expiries: readonly Expiry[]): Promise<StoredLicense[]>;
  /** Records newest first, by page; `nextCursor` is null when no record is left to read. */
  listRecords(query: RecordQuery): Promise<{ items: LicenseRecord[]; nextCursor: string | null }>;
  /** What each reporter last reported, per metric (a metric's use is their sum: {@link usageTotals}). */
  getUsageReports(): Promise<UsageReportRow[]>;
  /** Sets one reporter's current use of a metric; bumps the revision and returns true when it changed. */
  setUsage(metric: string, used: number, at: number, reporter: string): Promise<boolean>;
  /** A counter bumped by every change of licenses or usage. */
  getRevision(): Promise<number>;
  /** Raises the clock high-water mark to `at` if it is higher; returns the mark. */
  raiseHighWater(at: number): Promise<number>;
  /** The clock high-water mark; 0 for an installation that never raised it. */
  getHighWater(): Promise<number>;
  /**
   * Sets the clock high-water mark to `at`, lower or higher (an admin
   * acknowledging a clock fault), appends the records `recordsFor` builds from
   * the mark it replaces and bumps the revision, in one transaction. Returns
   * the mark it replaced.
   */
  resetHighWater(at: number, recordsFor: (previous: number) => NewRecord[]): Promise<number>;
}
