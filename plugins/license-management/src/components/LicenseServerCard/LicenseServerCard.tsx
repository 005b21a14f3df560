import { InfoCard, StatusError, StatusOK, StatusPending } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { LicenseStatus } from '@backstage-licensing/plugin-license-management-common';
import React from 'react';
import { DefinitionList } from '../DefinitionList';

type Server = LicenseStatus['server'];

const EXPLAIN: Record<Server['status'], string> = {
  'not-configured': 'This portal does not use server licensing: it consumes the quota of its own local licenses.',
  connected: 'This portal is a client site: it leases quota from the license server.',
  disconnected:
    'The license server cannot be reached. Leased quota is kept for a grace period, then lost; the portal reconnects by itself. Check the network and the license server.',
  serving: 'This portal is a license server: it shares its quota with client sites.',
};

function ServerStatus({ status }: { status: Server['status'] }) {
  switch (status) {
    case 'connected':
      return <StatusOK>Connected</StatusOK>;
    case 'serving':
      return <StatusOK>Serving client sites</StatusOK>;
    case 'disconnected':
      return <StatusError>Disconnected</StatusError>;
    default:
      return <StatusPending>Not configured</StatusPending>;
  }
}

export interface LicenseServerCardProps {
  server: Server;
}

/** Server licensing: the license server's status and address. */
export function LicenseServerCard({ server }: LicenseServerCardProps) {
  return (
    <InfoCard title="License Server" subheader="Server licensing: quota shared by a license server.">
      <DefinitionList
        data-testid="license-server"
        rows={[
          ['Status', <ServerStatus status={server.status} />],
          ['Address', server.url ?? '—'],
        ]}
      />
      <Typography variant="body2" color="textSecondary" style={{ marginTop: 12 }}>
        {EXPLAIN[server.status]}
      </Typography>
    </InfoCard>
  );
}
