import { useApi } from '@backstage/core-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  LICENSE_STATUS_SIGNAL_CHANNEL,
  type LicenseStatusSignal,
} from '@backstage-licensing/plugin-license-management-common';
import { useEffect, useSyncExternalStore } from 'react';
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

/**
 * The portal's license status, shared and kept fresh across the app: re-read
 * as soon as the backend signals a change (when the app has the signals
 * plugin; without it `useSignal` does nothing) and polled as a fallback.
 */
export function useLicenseStatus(): UseLicenseStatusResult {
  const store = useLicenseStatusStore();
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { lastSignal } = useSignal<LicenseStatusSignal>(LICENSE_STATUS_SIGNAL_CHANNEL);
  useEffect(() => {
    if (lastSignal) store.signal(lastSignal);
  }, [store, lastSignal]);
  return { ...snapshot, refresh: store.refresh };
}
