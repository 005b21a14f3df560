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
     * Entity refs of the groups (or users) that administer licenses.
     * Read by the portal's permission policy.
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
