import { InfoCard, LinearGauge } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import React from 'react';
import type { QuotaView } from '@backstage-licensing/plugin-license-management-common';
import { formatDateTime } from '../../lib/format';

const useStyles = makeStyles(theme => ({
  row: { marginBottom: theme.spacing(2), '&:last-child': { marginBottom: 0 } },
  exceeded: { color: theme.palette.error.main, fontWeight: theme.typography.fontWeightBold as number },
  reporters: { listStyle: 'none', margin: theme.spacing(0.5, 0, 0), padding: 0 },
}));

export interface QuotaCardProps {
  quotas: QuotaView[];
}

/** Who reported a metric's use: each reporter's share and when it last reported. */
function Reporters({ quota }: { quota: QuotaView }) {
  const classes = useStyles();
  // A server that predates reporters sends none.
  const reporters = quota.reporters ?? [];
  if (reporters.length === 0) return null;
  return (
    <ul className={classes.reporters} aria-label={`Who reported ${quota.title}`} data-testid={`reporters-${quota.metric}`}>
      {reporters.map(r => {
        const share = quota.used > 0 ? Math.round((r.used / quota.used) * 100) : 0;
        return (
          <Typography component="li" variant="caption" color="textSecondary" key={r.reporter} style={{ display: 'block' }}>
            <span title={r.reporter}>{r.reporter}</span>: {r.used.toLocaleString()} ({share}%), reported{' '}
            <span title={r.reportedAt}>{formatDateTime(r.reportedAt)}</span>
          </Typography>
        );
      })}
    </ul>
  );
}

/** Used against authorized for every quota metric, as bars, with who reported the use. */
export function QuotaCard({ quotas }: QuotaCardProps) {
  const classes = useStyles();
  return (
    <InfoCard
      title="Quotas"
      subheader="In use (and, on a license server, leased to client sites) against authorized, summed over the licenses in force."
    >
      {quotas.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          No quotas: the licenses in force carry none and nothing reports usage.
        </Typography>
      )}
      {quotas.map(q => {
        // On a license server, what client sites lease counts against the quota too.
        const leased = q.leased ?? 0;
        const unlicensed = q.authorized === 0 && !q.exceeded && leased === 0;
        const taken = q.used + leased;
        const ratio = q.authorized > 0 ? taken / q.authorized : q.exceeded ? 1 : 0;
        const usedText = leased > 0 ? `${q.used.toLocaleString()} in use + ${leased.toLocaleString()} leased` : q.used.toLocaleString();
        return (
          <Box key={q.metric} className={classes.row} data-testid={`quota-${q.metric}`}>
            <Box display="flex" justifyContent="space-between">
              <Typography variant="body2">{q.title}</Typography>
              <Typography
                variant="body2"
                className={q.exceeded ? classes.exceeded : undefined}
                color={unlicensed ? 'textSecondary' : 'textPrimary'}
              >
                {unlicensed
                  ? `${q.used.toLocaleString()} in use, not licensed`
                  : `${usedText} of ${q.authorized.toLocaleString()}${q.exceeded ? ' — exceeded' : ''}`}
              </Typography>
            </Box>
            {!unlicensed && (
              <LinearGauge
                value={Math.min(1, ratio)}
                getColor={({ palette }) =>
                  q.exceeded ? palette.status.error : ratio >= 0.9 ? palette.status.warning : palette.status.ok
                }
              />
            )}
            <Reporters quota={q} />
          </Box>
        );
      })}
    </InfoCard>
  );
}
