import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { SharingPoolItem } from '@backstage-licensing/plugin-license-management-react';
import { useCatalogTitles } from '@backstage-licensing/plugin-license-management-react';
import React from 'react';

const useStyles = makeStyles(theme => ({
  row: { marginBottom: theme.spacing(2), '&:last-child': { marginBottom: 0 } },
  bar: {
    display: 'flex',
    height: 12,
    borderRadius: 6,
    overflow: 'hidden',
    background: theme.palette.action.hover,
    marginTop: theme.spacing(0.5),
  },
  used: { background: theme.palette.info.main },
  leased: { background: theme.palette.warning.main },
  available: { background: theme.palette.success.main },
  legend: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(2), marginTop: theme.spacing(0.5) },
  swatch: { display: 'inline-block', width: 10, height: 10, borderRadius: 2, marginRight: 4, verticalAlign: 'middle' },
}));

const pct = (n: number, of: number) => `${of > 0 ? Math.min(100, (n / of) * 100) : 0}%`;

/** The pool per metric as a bar: used here, leased to client sites and available, out of what is authorized. */
export function SharingPoolBars({ items }: { items: SharingPoolItem[] }) {
  const classes = useStyles();
  const titles = useCatalogTitles();
  // Metrics no license in force authorizes have nothing to share: named below the bars.
  const outside = items.filter(p => p.authorized === 0 && p.leased === 0);
  const shared = items.filter(p => !outside.includes(p));
  if (shared.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        The pool is empty: the licenses in force carry no quota to share.
      </Typography>
    );
  }
  return (
    <>
      {shared.map(p => {
        // Over-use shows the used and leased parts against their sum, not past the end.
        const whole = Math.max(p.authorized, p.usedLocally + p.leased);
        const parts = [
          { key: 'used', n: p.usedLocally, label: 'used here', className: classes.used },
          { key: 'leased', n: p.leased, label: 'leased', className: classes.leased },
          { key: 'available', n: p.available, label: 'available', className: classes.available },
        ];
        return (
          <Box key={p.metric} className={classes.row} data-testid={`pool-${p.metric}`}>
            <Box display="flex" justifyContent="space-between">
              <Typography variant="body2">{titles.metric(p.metric)}</Typography>
              <Typography variant="body2">{p.authorized.toLocaleString()} authorized</Typography>
            </Box>
            <div
              className={classes.bar}
              role="img"
              aria-label={`${titles.metric(p.metric)}: ${p.authorized} authorized, ${p.usedLocally} used here, ${p.leased} leased, ${p.available} available`}
            >
              {parts.map(part => (
                <div key={part.key} className={part.className} style={{ width: pct(part.n, whole) }} />
              ))}
            </div>
            <div className={classes.legend}>
              {parts.map(part => (
                <Typography key={part.key} variant="caption" color="textSecondary">
                  <span className={`${classes.swatch} ${part.className}`} />
                  {part.n.toLocaleString()} {part.label}
                </Typography>
              ))}
            </div>
          </Box>
        );
      })}
      {outside.length > 0 && (
        <Typography variant="caption" color="textSecondary" component="p" data-testid="pool-outside">
          Not in the pool (no license in force authorizes them): {outside.map(p => titles.metric(p.metric)).join(', ')}.
        </Typography>
      )}
    </>
  );
}
