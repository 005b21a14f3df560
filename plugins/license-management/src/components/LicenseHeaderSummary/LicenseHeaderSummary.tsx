import Typography from '@material-ui/core/Typography';
import { useLicenseStatus } from '@backstage-licensing/plugin-license-management-react';
import React from 'react';
import { portalStateText } from '../../lib/degraded';

/** Edition, license status and product version, for the page header of the new frontend system. */
export function LicenseHeaderSummary() {
  const { status } = useLicenseStatus();
  if (!status) return null;
  // A community portal's state says no more than its edition; a valid one that denies features says why.
  const parts = [
    status.editionTitle,
    status.state === 'community' ? undefined : portalStateText(status),
    `version ${status.productVersion}`,
  ];
  return (
    <Typography variant="body2" color="textSecondary" component="span" data-testid="license-header-summary">
      {parts.filter(Boolean).join(' · ')}
    </Typography>
  );
}
