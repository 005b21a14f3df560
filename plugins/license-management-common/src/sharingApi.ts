import type { PoolItem } from './pool';

// The bodies of a license server's routes (PRODUCT.md §2.6), as the backend
// sends them and the frontend and client sites read them. Times are ISO-8601.

/** A client site's live lease, as the license server shows it. */
export interface SiteLease {
  modules: string[];
  quota: Record<string, number>;
  expiresAt: string;
}

/** `GET /sharing/sites`: a registered client site and its live lease; never its credential. */
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

/** `PUT /sharing/lease`: the terms a client site asks for (none: Base only). */
export interface LeaseRequest {
  modules?: string[];
  quota?: Record<string, number>;
}

/** The answer of `PUT /sharing/lease`: the lease granted or renewed, and the server's Base edition. */
export interface LeaseGrant extends SiteLease {
  edition: string;
}

/** `GET /sharing/pool`: per metric, what is authorized, used by the server itself, leased, available. */
export interface SharingPool {
  items: PoolItem[];
}
