import type { PoolItem } from '@backstage-licensing/plugin-license-management-common';

/**
 * Server licensing as the frontend reads it (PRODUCT.md §2.6). `/status.server`
 * of a client site or a license server; the fields after `url` come from
 * backends that run the client site (older ones send only status and url).
 */
export type LicenseServerStatus = 'not-configured' | 'connected' | 'disconnected' | 'refused' | 'serving';

export interface LicenseServerView {
  status: LicenseServerStatus;
  /** The license server this site leases from. */
  url: string | null;
  /** The last successful renewal (ISO-8601). */
  lastContactAt?: string | null;
  /** While disconnected: the lease holds until then (ISO-8601). */
  graceUntil?: string | null;
  /** What the status means and what to do; for `refused`, the server's reason. */
  message?: string | null;
}

/** `GET /server`: this portal as a client site; never the credential. */
export interface ServerConnection {
  url: string | null;
  modules: string[];
  quota: Record<string, number>;
  /** Where the setting comes from: `licenseManagement.server` in config, `PUT /server`, or none. */
  source: 'config' | 'runtime' | 'none';
}

/** `PUT /server`: connect to a license server (replaces the whole earlier setting). */
export interface ServerConnectRequest {
  url: string;
  credential: string;
  modules?: string[];
  quota?: Record<string, number>;
}

/** A client site's lease, as the license server holds it. */
export interface SiteLease {
  modules: string[];
  quota: Record<string, number>;
  expiresAt: string;
}

/** `GET /sharing/sites`: a registered client site; never its credential. */
export interface SharingSite {
  id: string;
  name: string;
  createdAt: string;
  /** Its last heartbeat (lease request or renewal). */
  lastSeenAt: string | null;
  lease: SiteLease | null;
}

/** `POST /sharing/sites`: the credential is in this answer and nowhere else. */
export interface RegisteredSite {
  id: string;
  name: string;
  credential: string;
}

/** `GET /sharing/pool` items: authorized, used by the server itself, leased, available. */
export type SharingPoolItem = PoolItem;
