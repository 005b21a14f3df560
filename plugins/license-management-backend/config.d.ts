import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  licenseManagement?: {
    /**
     * Vendor public keys that sign licenses, by the `kid` of the token header.
     * @visibility backend
     */
    vendorKeys?: Array<{
      kid: string;
      /** Ed25519 public key, SPKI PEM. */
      publicKey: string;
    }>;
    /**
     * Entity refs of the groups (or users) that administer licenses, e.g.
     * `group:default/license-admins` or `user:default/jo` (the namespace
     * defaults to `default`). The portal's permission policy gives them the
     * License Management write permissions, and the backend sends them
     * notifications (through `@backstage/plugin-notifications-backend`, when
     * installed) 30, 15, 7 and 1 days before a license slot runs out, on
     * expiry, on a quota exceeded and on USB key or license server faults.
     */
    adminGroups?: string[];
    /** Warn this many days before a slot runs out of valid licenses. Default 15. */
    expiryWarningDays?: number;
    /** The product version shown on the page and in request keys. */
    productVersion?: string;
    /** How many minutes the clock may lag the high-water mark unnoticed. Default 10. */
    clockRollbackToleranceMinutes?: number;
    /** How often replicas look for each other's changes, in milliseconds. Default 2000. */
    syncIntervalMs?: number;
    /**
     * How many seconds a user's `license-management.license.read` decision is
     * reused by the read routes (`/check`, `/status`, `/licenses`, `/key-id`),
     * so that a check does not cost a call to the permission backend. 0 asks
     * the policy on every request. Default 10; at most 300.
     */
    readPermissionCacheSeconds?: number;
    /** Usage metering. */
    usage?: {
      /**
       * When usage providers (the built-in catalog counts and those added by
       * modules) are asked for figures; one replica at a time. Default every
       * 30 seconds.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * The built-in catalog usage provider: per quota metric, the number of
       * catalog entities matching `filter` (the syntax of the catalog API's
       * `filter` parameter, e.g. `kind=Resource,spec.type=host`; a list of
       * filters counts entities matching any of them).
       */
      catalog?: Array<{ metric: string; filter: string | string[] }>;
    };
    /**
     * USB key licensing (PRODUCT.md §2.7): every backend replica (management
     * node) watches its own USB bus for the keys listed in `devices` and
     * stores what it sees in the shared database; licenses bound to a USB key
     * count while the key is plugged into any one node. Off by default.
     */
    usbKey?: {
      /** Watch the USB bus. Default false. */
      enabled?: boolean;
      /**
       * The USB devices that are license keys, by vendor and product id
       * (integers from 0 to 0xffff; `lsusb` shows them in hexadecimal as
       * vendor:product, e.g. `{ vendorId: 0x0781, productId: 0x5567 }`). A
       * matching device's serial-number string is its Key ID.
       */
      devices?: Array<{ vendorId: number; productId: number }>;
      /** How often each node scans its bus, besides hot-plug events. Default { seconds: 2 }. */
      pollInterval?: { milliseconds?: number; seconds?: number; minutes?: number };
      /** How long USB-key licenses stay in force after a key fault began. Default { hours: 72 }. */
      faultBuffer?: { seconds?: number; minutes?: number; hours?: number; days?: number };
      /** A node not seen for this long no longer counts. Default { seconds: 30 }; at least twice pollInterval. */
      nodeTimeout?: { seconds?: number; minutes?: number };
      /**
       * This node's id in `/status.usbKey.nodes`. Default: the host name.
       * Replicas that read the same USB bus (on one host) must share it;
       * replicas on different hosts must not.
       */
      nodeId?: string;
    };
    /**
     * License sharing (PRODUCT.md §2.6): this portal is a license server that
     * leases its pool (what its licenses in force authorize) to client sites
     * registered by an admin. Off by default.
     */
    sharing?: {
      /** Serve leases (`/sharing/*`). Default false: those routes are 404. */
      enabled?: boolean;
      /**
       * A lease ends this long after its last renewal unless renewed again;
       * its quota then returns to the pool. Any duration of 1 second or more.
       * Default { seconds: 60 }.
       */
      leaseTtl?: { milliseconds?: number; seconds?: number; minutes?: number; hours?: number; days?: number } | string;
    };
    /**
     * Server licensing, the client site (PRODUCT.md §2.6): this portal leases
     * its licensing from a license server. `PUT /server` at runtime (stored in
     * the database) wins over this; `DELETE /server` turns it off. Without
     * `url` and `credential` only the timing applies (to a runtime setting).
     */
    server?: {
      /** The license server portal's backend base URL, e.g. http://licenses.example.com:7007. */
      url?: string;
      /**
       * The client site credential the server's admin gave
       * (`license-ctl sharing add-site NAME` on the server).
       * @visibility secret
       */
      credential?: string;
      /** Plus modules to lease; each must be in force on the server. */
      modules?: string[];
      /** Quota to lease per metric, e.g. { hosts: 5 }: all or nothing. */
      quota?: { [metric: string]: number };
      /** How often the lease is renewed (and retried while disconnected). 1 s to 1 h. Default { seconds: 20 }. */
      renewInterval?: { milliseconds?: number; seconds?: number; minutes?: number; hours?: number } | string;
      /** How long the lease holds after the last successful renewal. renewInterval to 365 days. Default { hours: 24 }. */
      grace?: { milliseconds?: number; seconds?: number; minutes?: number; hours?: number; days?: number } | string;
    };
    /**
     * Replaces the default catalog of editions, modules, features and metrics.
     */
    catalog?: {
      editions: Array<{ id: string; title: string; description?: string; features?: string[]; metrics?: string[] }>;
      modules: Array<{ id: string; title: string; description?: string; features?: string[]; metrics?: string[] }>;
      metrics?: Array<{ id: string; title: string }>;
      features?: Array<{ id: string; title: string }>;
      essentialFeatures?: string[];
      communityFeatures?: string[];
    };
  };
}
