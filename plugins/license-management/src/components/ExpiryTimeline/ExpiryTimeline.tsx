import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import { makeStyles, useTheme, type Theme } from '@material-ui/core/styles';
import type { LicenseView } from '@backstage-licensing/plugin-license-management-common';
import React from 'react';
import { formatDate, formatDay, stateLabel, typeLabel, validThroughText } from '../../lib/format';
import { timelineScale } from './timelineScale';

const LABEL_WIDTH = 230;
/** In a narrow window (under 960 px) the bars get more of the width. */
const NARROW_LABEL_WIDTH = 150;
/** The column of row actions (Reinstate), when there is one. */
const ACTIONS_WIDTH = 96;

const useStyles = makeStyles(theme => ({
  row: { display: 'flex', alignItems: 'center', height: 30 },
  label: {
    width: LABEL_WIDTH,
    [theme.breakpoints.down('sm')]: { width: NARROW_LABEL_WIDTH },
    flexShrink: 0,
    paddingRight: theme.spacing(1),
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  track: { position: 'relative', flexGrow: 1, height: '100%' },
  actions: { width: ACTIONS_WIDTH, flexShrink: 0, textAlign: 'right' },
  /** A superseded license: dimmed, its bar hatched, so that it does not read as a second copy of the one in force. */
  superseded: {
    opacity: 0.6,
    '& $bar': {
      backgroundImage: 'repeating-linear-gradient(135deg, rgba(255,255,255,0.35) 0 4px, transparent 4px 8px)',
    },
  },
  bar: {
    position: 'absolute',
    top: 7,
    height: 16,
    borderRadius: 4,
    minWidth: 4,
    display: 'flex',
    alignItems: 'center',
    paddingLeft: 6,
    color: theme.palette.common.white,
    fontSize: 11,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  },
  today: {
    position: 'absolute',
    top: 0,
    bottom: 0,
    borderLeft: `2px dashed ${theme.palette.text.primary}`,
    pointerEvents: 'none',
  },
  todayLabel: { position: 'absolute', top: -18, transform: 'translateX(-50%)', fontSize: 11, fontWeight: 600 },
  axis: {
    position: 'relative',
    height: 22,
    marginLeft: LABEL_WIDTH,
    [theme.breakpoints.down('sm')]: { marginLeft: NARROW_LABEL_WIDTH },
    borderTop: `1px solid ${theme.palette.divider}`,
  },
  tick: {
    position: 'absolute',
    top: 2,
    transform: 'translateX(-50%)',
    fontSize: 11,
    color: theme.palette.text.secondary,
    whiteSpace: 'nowrap',
  },
  grid: { position: 'absolute', top: 0, bottom: 0, borderLeft: `1px solid ${theme.palette.divider}` },
  legend: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(2), marginTop: theme.spacing(1) },
  swatch: { display: 'inline-block', width: 12, height: 12, borderRadius: 2, marginRight: 6, verticalAlign: 'middle' },
}));

function colorOf(theme: Theme, license: LicenseView): string {
  const p = theme.palette;
  switch (license.state) {
    case 'valid':
      return license.expiringSoon ? p.warning.main : p.success.main;
    case 'pending':
      return p.info.main;
    case 'expired':
      return p.error.main;
    case 'key-missing':
      // Would be in force with its USB key plugged in.
      return p.warning.main;
    default:
      return p.grey[500];
  }
}

const daysLeftPhrase = (n: number) => (n === 0 ? 'last day today' : `${n} day${n === 1 ? '' : 's'} left`);

export interface ExpiryTimelineProps {
  licenses: LicenseView[];
  /** For tests: the time of "today". */
  now?: number;
  /**
   * Offers Reinstate on superseded licenses (to license admins: the upload
   * permission, license.create); called with the license to reinstate.
   */
  onReinstate?: (license: LicenseView) => void;
}

/**
 * When each Base and Plus license starts and ends, against today; what is
 * expiring soon is what the server judged. Superseded licenses are marked as
 * such (a later upload holds their slot).
 */
export function ExpiryTimeline({ licenses, now = Date.now(), onReinstate }: ExpiryTimelineProps) {
  const classes = useStyles();
  // Fewer month labels in a narrow window, so that they do not run into each other.
  const narrow = useMediaQuery((theme: Theme) => theme.breakpoints.down('sm'));
  const ordered = [...licenses].sort(
    (a, b) =>
      (a.type === b.type ? 0 : a.type === 'base' ? -1 : 1) ||
      a.title.localeCompare(b.title) ||
      Number(a.state === 'superseded') - Number(b.state === 'superseded') ||
      Date.parse(a.expiresAt) - Date.parse(b.expiresAt),
  );
  const spans = ordered.map(l => ({
    id: l.id,
    start: Date.parse(l.notBefore ?? l.issuedAt),
    end: Date.parse(l.expiresAt),
  }));
  const scale = timelineScale(spans, now, narrow ? 3 : 7);
  const todayAt = scale.percent(now);

  return (
    <InfoCard title="Expiry Timeline" subheader="When each installed license starts and ends; the dashed line is today.">
      {ordered.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No licenses installed yet.
        </Typography>
      ) : (
        <Box role="list" aria-label="License expiry timeline" data-testid="expiry-timeline" pt={2}>
          {ordered.map((l, i) => {
            const left = scale.percent(spans[i].start);
            const width = Math.max(0.5, scale.percent(spans[i].end) - left);
            const superseded = l.state === 'superseded';
            const summary = `${l.title} (${typeLabel(l.type)}): ${stateLabel(l.state)}${
              l.state === 'valid' && l.expiringSoon ? ', expiring soon' : ''
            }${superseded ? ' by a later upload' : ''}, ${formatDate(l.notBefore ?? l.issuedAt)} – ${formatDay(l.validThrough)}${
              l.state === 'valid' && l.daysLeft !== null ? `, ${daysLeftPhrase(l.daysLeft)}` : ''
            } (${l.id})`;
            return (
              <div
                className={superseded ? `${classes.row} ${classes.superseded}` : classes.row}
                role="listitem"
                key={l.id}
                aria-label={summary}
                data-superseded={superseded || undefined}
              >
                <Typography variant="body2" className={classes.label} title={`${l.title} (${typeLabel(l.type)}, ${l.id})`}>
                  {l.title}{' '}
                  <Typography component="span" variant="caption" color="textSecondary">
                    {typeLabel(l.type)}
                    {superseded && ' · superseded'}
                  </Typography>
                </Typography>
                <div className={classes.track}>
                  {scale.ticks.map(t => (
                    <span key={t} className={classes.grid} style={{ left: `${scale.percent(t)}%` }} />
                  ))}
                  <TimelineBar license={l} left={left} width={width} summary={summary} />
                  <span className={classes.today} style={{ left: `${todayAt}%` }}>
                    {i === 0 && <span className={classes.todayLabel}>Today</span>}
                  </span>
                </div>
                {onReinstate && (
                  <div className={classes.actions}>
                    {l.state === 'superseded' && (
                      <Button
                        size="small"
                        color="primary"
                        aria-label={`Reinstate ${l.title} (${typeLabel(l.type)}, ${l.id})`}
                        title="Bring it back into force: it becomes the newest upload of its slot"
                        onClick={() => onReinstate(l)}
                      >
                        Reinstate
                      </Button>
                    )}
                  </div>
                )}
              </div>
            );
          })}
          <div className={classes.axis} style={onReinstate ? { marginRight: ACTIONS_WIDTH } : undefined} aria-hidden>
            {scale.ticks.map(t => (
              <span key={t} className={classes.tick} style={{ left: `${scale.percent(t)}%` }}>
                {new Date(t).toLocaleDateString(undefined, { month: 'short', year: 'numeric' })}
              </span>
            ))}
          </div>
          <Legend />
        </Box>
      )}
    </InfoCard>
  );
}

function TimelineBar(props: {
  license: LicenseView;
  left: number;
  width: number;
  summary: string;
}) {
  const classes = useStyles();
  const theme = useTheme();
  const { license, left, width, summary } = props;
  return (
    <Tooltip title={summary}>
      <span
        className={classes.bar}
        style={{ left: `${left}%`, width: `${width}%`, background: colorOf(theme, license) }}
        data-state={license.state}
      >
        {width > 14 ? validThroughText(license.validThrough) : ''}
      </span>
    </Tooltip>
  );
}

function Legend() {
  const classes = useStyles();
  const p = useTheme().palette;
  const items: [string, string][] = [
    ['Valid', p.success.main],
    ['Expiring soon', p.warning.main],
    ['Pending', p.info.main],
    ['Superseded', p.grey[500]],
    ['Expired', p.error.main],
  ];
  return (
    <div className={classes.legend} aria-hidden>
      {items.map(([label, color]) => (
        <Typography key={label} variant="caption">
          <span className={classes.swatch} style={{ background: color }} />
          {label}
        </Typography>
      ))}
    </div>
  );
}
