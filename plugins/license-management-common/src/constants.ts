/**
 * The signals channel on which the backend announces that the license status
 * changed (an upload, a deletion, a reload, an expiry, usage crossing a
 * quota, a change made by another replica). The message is a hint to fetch
 * `/status` again: `{ revision }`, the store's change counter.
 */
export const LICENSE_STATUS_SIGNAL_CHANNEL = 'license-management:status';

/** The message published on {@link LICENSE_STATUS_SIGNAL_CHANNEL}. */
export type LicenseStatusSignal = {
  /** The store's change counter when the status was computed. */
  revision: number;
};
