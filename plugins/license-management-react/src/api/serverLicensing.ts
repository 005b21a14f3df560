import type { LicenseServerView, PoolItem, ServerConnection } from '@backstage-licensing/plugin-license-management-common';

// `/status.server` (LicenseServerView) and `GET /server` (ServerConnection)
// are -common's; the rest of the server licensing routes are typed here.

/** `PUT /server`: connect to a license server (replaces the whole earlier setting). */
export interface ServerConnectRequest {
  url: string;
  credential: string;
  modules?: string[];
  quota?: Record<string, number>;
}

/** The answer of `PUT /server`: the new setting, and how the first lease request went. */
export interface ServerConnectResult extends ServerConnection {
  /** `/status.server` after the first lease request (connected, refused with the reason, or disconnected). */
  server?: LicenseServerView;
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
