import type { CheckResult } from '@backstage-licensing/plugin-license-management-common';
import { useEffect, useState } from 'react';
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

type Answer = { question: string; result?: CheckResult; error?: Error };

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
  // One question per feature, metric, amount and license picture.
  const question = JSON.stringify([feature, metric ?? null, amount ?? null, revision]);
  const [answer, setAnswer] = useState<Answer>();

  useEffect(() => {
    let current = true;
    store
      .check({ feature, ...(metric ? { metric } : {}), ...(amount !== undefined ? { amount } : {}) })
      .then(
        result => current && setAnswer({ question, result }),
        error => current && setAnswer({ question, error }),
      );
    return () => {
      current = false;
    };
    // `question` stands for feature, metric, amount and revision.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, question]);

  const done = answer?.question === question ? answer : undefined;
  return {
    loading: !done,
    allowed: done?.result?.allowed === true,
    result: done?.result,
    error: done?.error,
  };
}
