import type { CheckResult } from '@backstage-licensing/plugin-license-management-common';
import useAsync from 'react-use/esm/useAsync';
import { useLicenseStatus, useLicenseStatusStore } from './useLicenseStatus';

export interface LicensedFeatureOptions {
  /** A quota metric of the feature, to ask for `amount` more units of it. */
  metric?: string;
  /** Units of `metric` (default 1 when `metric` is given). */
  amount?: number;
}

export interface LicensedFeatureResult {
  loading: boolean;
  /** False while loading and when the check failed. */
  allowed: boolean;
  /** The server's answer: `OK`, `NOT_LICENSED`, `EXPIRED`, `QUOTA_EXCEEDED`, ... */
  result?: CheckResult;
  /** Why the check could not be made (network, unknown feature). */
  error?: Error;
}

/**
 * May `feature` be used? Asks `POST /check` once per session and asks again
 * when the license changes (upload, delete, expiry, quota).
 *
 * @example
 * ```tsx
 * const { allowed, result } = useLicensedFeature('vmware', { metric: 'vmware-cpus', amount: 8 });
 * <Button disabled={!allowed} title={result?.message}>Add 8 CPUs</Button>
 * ```
 */
export function useLicensedFeature(
  feature: string,
  options: LicensedFeatureOptions = {},
): LicensedFeatureResult {
  const store = useLicenseStatusStore();
  const { revision } = useLicenseStatus();
  const { metric, amount } = options;
  const state = useAsync(
    () => store.check({ feature, ...(metric ? { metric } : {}), ...(amount !== undefined ? { amount } : {}) }),
    [store, revision, feature, metric, amount],
  );
  return {
    loading: state.loading,
    allowed: !state.loading && state.value?.allowed === true,
    result: state.loading ? undefined : state.value,
    error: state.loading ? undefined : state.error,
  };
}
