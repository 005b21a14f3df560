import Typography from '@material-ui/core/Typography';
import { useLicenseStatus } from '@backstage-licensing/plugin-license-management-react';
import React from 'react';
import { stateLabel } from '../../lib/format';

/** Edition, license status and product version, for the page header of the new frontend system. */
export function LicenseHeaderSummary() {
  const { status } = useLicenseStatus();
  if (!status) return null;
  return (
    <Typography variant="body2" color="textSecondary" component="span" data-testid="license-header-summary">
      {`${status.editionTitle} · ${stateLabel(status.state)} · version ${status.productVersion}`}
    </Typography>
  );
}
