import { InfoCard, StatusError, StatusOK, StatusPending, StatusWarning } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  LIST_TITLES,
  type LicenseServerView,
  type ServerStatus,
} from '@backstage-licensing/plugin-license-management-common';
import React, { type ReactNode } from 'react';
import { formatDateTime, formatMoment, timeLeftText } from '../../lib/format';
import { DefinitionList } from '../DefinitionList';

/** What each status means, when the server sends no message of its own. */
const EXPLAIN: Record<ServerStatus, string> = {
  'not-configured': 'This portal does not use server licensing: it runs on its own local licenses.',
  connected: 'This portal is a client site: it runs on the quota it leases from the license server.',
  disconnected:
    'The license server cannot be reached. The lease holds until the grace period ends, then this portal has no license; it reconnects by itself. Check the network and the license server.',
  refused:
    'The license server answered but refused the lease. Check the credential (a revoked site must be registered again) and what the server has available.',
  serving: 'This portal is a license server: it shares its quota with client sites.',
};

const SEVERITY: Partial<Record<ServerStatus, 'info' | 'warning' | 'error'>> = {
  disconnected: 'warning',
  refused: 'error',
};

function ServerStatusLabel({ status }: { status: ServerStatus }) {
  const label = LIST_TITLES.serverStatus[status];
  switch (status) {
    case 'connected':
    case 'serving':
      return <StatusOK>{label}</StatusOK>;
    case 'disconnected':
      return <StatusWarning>{label}</StatusWarning>;
    case 'refused':
      return <StatusError>{label}</StatusError>;
    default:
      return <StatusPending>{label}</StatusPending>;
  }
}

export interface LicenseServerCardProps {
  server: LicenseServerView;
  /** e.g. a button that opens the Server method of the Upload License dialog. */
  action?: ReactNode;
}

/** Server licensing: status, the license server, the last contact, the grace left while disconnected, and what to do. */
export function LicenseServerCard({ server, action }: LicenseServerCardProps) {
  const client = server.status !== 'not-configured' && server.status !== 'serving';
  const rows: [string, ReactNode][] = [['Status', <ServerStatusLabel status={server.status} />]];
  if (client || server.url) rows.push(['Server', server.url ?? '—']);
  if (client) rows.push(['Last contact', <span title={server.lastContactAt ?? undefined}>{formatMoment(server.lastContactAt)}</span>]);
  if (server.status === 'disconnected' || server.status === 'refused') {
    rows.push([
      'Grace left',
      server.graceUntil ? (
        <span data-testid="server-grace">
          {timeLeftText(server.graceUntil) === 'ended'
            ? `Ended ${formatDateTime(server.graceUntil)}: no license until the server answers`
            : `${timeLeftText(server.graceUntil)} (until ${formatDateTime(server.graceUntil)})`}
        </span>
      ) : (
        'None: no lease is held'
      ),
    ]);
  }
  const message = server.message || EXPLAIN[server.status];
  const severity = SEVERITY[server.status];
  return (
    <InfoCard title="License Server" subheader="Server licensing: quota leased from a license server." actions={action}>
      <DefinitionList data-testid="license-server" rows={rows} />
      {severity ? (
        <Alert severity={severity} style={{ marginTop: 12 }} data-testid="license-server-message">
          {message}
        </Alert>
      ) : (
        <Typography variant="body2" color="textSecondary" style={{ marginTop: 12 }} data-testid="license-server-message">
          {message}
        </Typography>
      )}
    </InfoCard>
  );
}
