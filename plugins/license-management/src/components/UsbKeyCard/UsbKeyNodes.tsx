import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { UsbKeyNodeView } from '@backstage-licensing/plugin-license-management-common';
import React from 'react';
import { formatMoment } from '../../lib/format';

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  node: {
    padding: theme.spacing(0.75, 0),
    borderTop: `1px solid ${theme.palette.divider}`,
    '&:first-child': { borderTop: 'none' },
  },
  name: { fontWeight: theme.typography.fontWeightMedium as number, wordBreak: 'break-all' },
  key: { fontFamily: 'monospace' },
  problem: { color: theme.palette.error.main },
}));

/** What one node sees, in a few words. */
function Sees({ node }: { node: UsbKeyNodeView }) {
  const classes = useStyles();
  if (!node.available) {
    return (
      <span className={classes.problem}>
        No usable USB on this host{node.reason ? `: ${node.reason}` : ''}
      </span>
    );
  }
  const parts: React.ReactNode[] = [];
  if (node.keys.length > 0) {
    parts.push(
      <span key="keys">
        {node.keys.length === 1 ? 'Key ' : 'Keys '}
        {node.keys.map((k, i) => (
          <React.Fragment key={k}>
            {i > 0 && ', '}
            <span className={classes.key}>{k}</span>
          </React.Fragment>
        ))}
      </span>,
    );
  }
  if (node.faults.length > 0) {
    parts.push(
      <span key="faults" className={classes.problem}>
        {node.faults.length === 1 ? 'A key that cannot be read' : `${node.faults.length} keys that cannot be read`}: {node.faults.join('; ')}
      </span>,
    );
  }
  if (parts.length === 0) return <span>No key</span>;
  return <>{parts.reduce((all: React.ReactNode[], p, i) => (i ? [...all, '; ', p] : [p]), [])}</>;
}

/** The management nodes seen within the node timeout and what each sees on its USB bus. */
export function UsbKeyNodes({ nodes }: { nodes: UsbKeyNodeView[] }) {
  const classes = useStyles();
  if (nodes.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary" data-testid="usb-key-nodes">
        No management node has reported its USB bus recently.
      </Typography>
    );
  }
  return (
    <ul className={classes.list} aria-label="Management nodes" data-testid="usb-key-nodes">
      {nodes.map(n => (
        <li key={n.node} className={classes.node} aria-label={`Node ${n.node}`}>
          <Typography variant="body2" className={classes.name}>
            {n.node}
          </Typography>
          <Typography variant="body2">
            <Sees node={n} />
          </Typography>
          <Typography variant="caption" color="textSecondary">
            Seen <span title={n.seenAt}>{formatMoment(n.seenAt)}</span>
          </Typography>
        </li>
      ))}
    </ul>
  );
}
