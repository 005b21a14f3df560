import type { LicenseServerView, PoolItem, ServerConnection } from '@backstage-licensing/plugin-license-management-common';

// `/status.server` (LicenseServerView), `GET /server` (ServerConnection) and
// the license server's routes (sharingApi) are -common's; the rest of the
// server licensing routes are typed here.

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

// The bodies of the license server's routes are -common's; this package's names for them stay.
export type { RegisteredSite, SharingSite, SiteLease } from '@backstage-licensing/plugin-license-management-common';

/** `GET /sharing/pool` items: authorized, used by the server itself, leased, available. */
export type SharingPoolItem = PoolItem;
