import { Link, Progress, WarningPanel } from '@backstage/core-components';
import type { ReactNode } from 'react';
import React from 'react';
import { useCatalogTitles, useLicensePagePath, useLicensedFeature } from '../../hooks';
import { problemText } from '../../lib/errors';

export interface LicenseGateProps {
  /** The feature id, e.g. `vmware` or `gpu`. */
  feature: string;
  /** A quota metric of the feature, to ask for `amount` more units. */
  metric?: string;
  amount?: number;
  /** Shown when the feature is not licensed; defaults to a panel that says why. */
  fallback?: ReactNode;
  /** Shown while the license is checked; defaults to a progress bar. */
  loading?: ReactNode;
  children?: ReactNode;
}

/**
 * Renders its children only when the portal's license covers `feature`.
 *
 * @example
 * ```tsx
 * <LicenseGate feature="gpu">
 *   <GpuDashboard />
 * </LicenseGate>
 * ```
 */
export function LicenseGate(props: LicenseGateProps) {
  const { feature, metric, amount, fallback, loading, children } = props;
  const check = useLicensedFeature(feature, { metric, amount });
  const pagePath = useLicensePagePath();
  // The feature's title in the catalog the portal runs with.
  const titles = useCatalogTitles();

  if (check.loading) return <>{loading ?? <Progress />}</>;
  if (check.allowed) return <>{children}</>;
  if (fallback !== undefined) return <>{fallback}</>;

  const title = `${titles.feature(feature)} is not available`;
  const why = check.error
    ? `The license could not be checked. ${problemText(check.error)}`
    : `${check.result?.message ?? 'The license does not cover it.'}`;
  return (
    <WarningPanel severity="info" title={title} defaultExpanded>
      <span data-testid="license-gate-message">{why}</span>{' '}
      {pagePath ? (
        <>
          See <Link to={pagePath}>License Management</Link> for the licenses of this portal.
        </>
      ) : (
        'Ask a portal admin for a license that covers it.'
      )}
    </WarningPanel>
  );
}
