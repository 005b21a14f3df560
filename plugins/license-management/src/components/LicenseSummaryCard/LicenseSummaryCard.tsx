import { CopyTextButton, InfoCard } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { LicenseStatus } from '@backstage-licensing/plugin-license-management-common';
import type { ReactNode } from 'react';
import React from 'react';
import { degradedReason } from '../../lib/degraded';
import { mechanismLabel, methodLabel } from '../../lib/format';
import { DefinitionList } from '../DefinitionList';
import { LicenseStateLabel } from '../LicenseStateLabel';

const useStyles = makeStyles(theme => ({
  keyId: { fontFamily: 'monospace', fontSize: '0.95rem', letterSpacing: '0.03em', marginRight: theme.spacing(1) },
}));

export interface LicenseSummaryCardProps {
  status: LicenseStatus;
  /** The request key download, for those allowed to use it. */
  requestKeyAction?: ReactNode;
}

/** Licensing mechanism, edition, state, method, product version and the Key ID. */
export function LicenseSummaryCard({ status, requestKeyAction }: LicenseSummaryCardProps) {
  const classes = useStyles();
  const rows: [string, ReactNode][] = [
    ['Licensing mechanism', mechanismLabel(status)],
    ['Edition', status.editionTitle],
    ['License status', <LicenseStateLabel state={status.state} degraded={degradedReason(status)} />],
    ['Licensing method', methodLabel(status.method)],
    ['Product version', status.productVersion],
  ];
  if (status.base?.customer) rows.push(['Licensed to', status.base.customer]);
  rows.push([
    'Key ID',
    <>
      <Typography component="span" className={classes.keyId} data-testid="key-id">
        {status.keyId}
      </Typography>
      <CopyTextButton text={status.keyId} aria-label="Copy Key ID" tooltipText="Key ID copied" />
    </>,
  ]);
  if (requestKeyAction) rows.push(['Request key', requestKeyAction]);
  return (
    <InfoCard title="License" subheader="Send the Key ID or the request key to your vendor to obtain a license.">
      <DefinitionList rows={rows} data-testid="license-summary" />
    </InfoCard>
  );
}
