export interface Config {
  licenseManagement?: {
    /**
     * Entity refs of the groups (or users) that administer licenses, e.g.
     * `group:default/license-admins`: they may upload, reload and delete
     * licenses, read the request key and the records, report usage and
     * manage sharing. Everyone signed in may read.
     */
    adminGroups?: string[];
  };
}
