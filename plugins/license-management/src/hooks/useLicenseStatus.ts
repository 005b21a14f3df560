import { useApi } from '@backstage/core-plugin-api';
import { useSyncExternalStore } from 'react';
import { licenseManagementApiRef } from '../api';
import {
  licenseStatusStoreFor,
  type LicenseStatusSnapshot,
  type LicenseStatusStore,
} from './LicenseStatusStore';

/** The session's license status store. */
export function useLicenseStatusStore(): LicenseStatusStore {
  return licenseStatusStoreFor(useApi(licenseManagementApiRef));
}

export interface UseLicenseStatusResult extends LicenseStatusSnapshot {
  /** Re-reads the status, e.g. after an upload. */
  refresh: () => Promise<unknown>;
}

/** The portal's license status, shared and kept fresh across the app. */
export function useLicenseStatus(): UseLicenseStatusResult {
  const store = useLicenseStatusStore();
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return { ...snapshot, refresh: store.refresh };
}
