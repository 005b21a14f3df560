import { createApiRef } from '@backstage/core-plugin-api';
import type {
  CheckRequest,
  CheckResult,
  LicenseMethod,
  LicenseState,
  LicenseStatus,
  LicenseType,
  LicenseView,
  RecordAction,
  RecordPage,
  ReinstateResult,
  UploadResult,
  UsageView,
  ServerConnection,
} from '@backstage-licensing/plugin-license-management-common';
import type {
  RegisteredSite,
  ServerConnectRequest,
  ServerConnectResult,
  SharingPoolItem,
  SharingSite,
} from './serverLicensing';

/** Filters and paging of `GET /records`; every field is optional. */
export interface RecordQuery {
  /** 1–200, default 50 on the server. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  type?: LicenseType;
  item?: string;
  method?: LicenseMethod;
  state?: LicenseState;
  action?: RecordAction;
  /** Free text over license id, item, who and detail. */
  q?: string;
}

/** How far an upload has got, in bytes. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadOptions {
  /** Called as the file is sent. */
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
  /**
   * Install even if the upload downgrades the licenses in force (fewer
   * features, a quota below its use). Without it such an upload is refused
   * with a 409 whose consequences `refusedDowngrade` reads.
   */
  acknowledge?: boolean;
}

export interface ReinstateOptions {
  /** Reinstate even if it downgrades the licenses in force (see UploadOptions.acknowledge). */
  acknowledge?: boolean;
}

/** The request key file, ready to save. */
export interface RequestKeyFile {
  fileName: string;
  content: Blob;
}

/**
 * The License Management HTTP API (`/api/license-management`). Every method
 * rejects with a `ResponseError` when the server answers with an error.
 */
export interface LicenseManagementApi {
  /** The whole picture: edition, state, Base, Plus, quotas, exceptions, USB key, server. */
  getStatus(): Promise<LicenseStatus>;
  /** Every installed (not deleted) license, whatever its state. */
  listLicenses(): Promise<LicenseView[]>;
  /** Uploads a `.txt`, `.lic` or `.tar.gz` license file. All or nothing. */
  uploadLicense(file: Blob, options?: UploadOptions): Promise<UploadResult>;
  /** Deletes a Plus license (Base and USB-key licenses cannot be deleted). */
  deleteLicense(id: string): Promise<void>;
  /**
   * Brings a superseded license back into force (it becomes the newest
   * upload of its slot). A downgrade is refused (409) unless acknowledged.
   */
  reinstateLicense(id: string, options?: ReinstateOptions): Promise<ReinstateResult>;
  /** Re-reads licenses and the USB key, and recomputes the status. */
  reload(): Promise<LicenseStatus>;
  getKeyId(): Promise<string>;
  downloadRequestKey(): Promise<RequestKeyFile>;
  getRecords(query?: RecordQuery): Promise<RecordPage>;
  /** Every catalog metric's use, with who reported it (`GET /usage`). */
  getUsage(): Promise<UsageView[]>;
  /** May a feature be used (for `amount` more units of `metric`)? */
  check(request: CheckRequest): Promise<CheckResult>;

  /** This portal as a client site (`GET /server`): the license server it uses, never the credential. */
  getServerConnection(): Promise<ServerConnection>;
  /** Connects to a license server (`PUT /server`); the status tells how it went. */
  connectServer(request: ServerConnectRequest): Promise<ServerConnectResult>;
  /** Goes back to local licensing (`DELETE /server`). */
  disconnectServer(): Promise<void>;
  /** On a license server: the client sites and their leases. */
  listSharingSites(): Promise<SharingSite[]>;
  /** On a license server: registers a client site; its credential is in the answer only. */
  registerSharingSite(name: string): Promise<RegisteredSite>;
  /** On a license server: revokes a client site; its lease ends at once. */
  revokeSharingSite(id: string): Promise<void>;
  /** On a license server: the pool per metric. */
  getSharingPool(): Promise<SharingPoolItem[]>;
}

export const licenseManagementApiRef = createApiRef<LicenseManagementApi>({
  id: 'plugin.license-management.service',
});
