import { InfoCard, Progress, Table, type TableColumn } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import AddIcon from '@material-ui/icons/Add';
import React, { useCallback, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  licenseManagementApiRef,
  useCatalogTitles,
  type SharingSite,
} from '@backstage-licensing/plugin-license-management-react';
import { formatDate, formatDateTime, formatMoment, formatQuota } from '../../lib/format';
import { ProblemPanel } from '../ProblemPanel';
import { RegisterSiteDialog } from './RegisterSiteDialog';
import { RevokeSiteDialog } from './RevokeSiteDialog';
import { SharingPoolBars } from './SharingPoolBars';

export interface ClientSitesProps {
  /** Changes when the license status does: the pool and the leases are read again. */
  revision?: number;
}

/**
 * On a license server, for those allowed to manage sharing: the pool
 * (authorized, used here, leased, available), the client sites with their
 * leases and last heartbeat, register (the credential shown once) and revoke.
 */
export function ClientSites({ revision }: ClientSitesProps) {
  const api = useApi(licenseManagementApiRef);
  const alertApi = useApi(alertApiRef);
  const titles = useCatalogTitles();
  const pool = useAsyncRetry(() => api.getSharingPool(), [api, revision]);
  const sites = useAsyncRetry(() => api.listSharingSites(), [api, revision]);
  const [registering, setRegistering] = useState(false);
  const [toRevoke, setToRevoke] = useState<SharingSite>();
  const reload = useCallback(() => {
    pool.retry();
    sites.retry();
  }, [pool, sites]);

  const columns: TableColumn<SharingSite>[] = [
    {
      title: 'Site',
      field: 'name',
      highlight: true,
      render: s => <span title={`Site ID ${s.id}`}>{s.name}</span>,
    },
    {
      title: 'Lease',
      render: s =>
        s.lease ? (
          <>
            <div>{s.lease.modules.length ? s.lease.modules.map(m => titles.item(m)).join(', ') : 'Base edition only'}</div>
            <Typography variant="caption" color="textSecondary">
              {formatQuota(s.lease.quota, titles)}
            </Typography>
          </>
        ) : (
          <Typography variant="body2" color="textSecondary">
            No lease
          </Typography>
        ),
    },
    {
      title: 'Lease ends',
      render: s => (s.lease ? <span title={s.lease.expiresAt}>{formatDateTime(s.lease.expiresAt)}</span> : '—'),
    },
    {
      title: 'Last heartbeat',
      render: s => (s.lastSeenAt ? <span title={s.lastSeenAt}>{formatMoment(s.lastSeenAt)}</span> : 'Never'),
    },
    { title: 'Registered', render: s => formatDate(s.createdAt) },
    {
      title: 'Actions',
      align: 'right',
      cellStyle: { whiteSpace: 'nowrap' },
      render: s => (
        <Button size="small" color="secondary" aria-label={`Revoke ${s.name} (${s.id})`} onClick={() => setToRevoke(s)}>
          Revoke
        </Button>
      ),
    },
  ];

  return (
    <Grid container spacing={3} data-testid="client-sites">
      <Grid item xs={12}>
        <InfoCard title="Pool" subheader="What this license server's licenses authorize, and where it goes.">
          {pool.error && <ProblemPanel title="The pool could not be read" error={pool.error} onRetry={pool.retry} />}
          {!pool.error && !pool.value && <Progress />}
          {pool.value && <SharingPoolBars items={pool.value} />}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <Box display="flex" justifyContent="flex-end" mb={1}>
          <Button variant="contained" color="primary" startIcon={<AddIcon />} onClick={() => setRegistering(true)}>
            Register client site
          </Button>
        </Box>
        {sites.error ? (
          <ProblemPanel title="The client sites could not be listed" error={sites.error} onRetry={sites.retry} />
        ) : (
          <Table<SharingSite>
            title={`Client Sites (${sites.value?.length ?? 0})`}
            isLoading={sites.loading && !sites.value}
            columns={columns}
            data={(sites.value ?? []).map(s => ({ ...s }))}
            options={{ paging: false, search: false, padding: 'dense', draggable: false }}
            emptyContent={
              <div style={{ padding: 16 }}>
                No client sites yet. Register one to give another portal a credential to lease quota from this
                server.
              </div>
            }
          />
        )}
      </Grid>
      <RegisterSiteDialog open={registering} onClose={() => setRegistering(false)} onRegistered={reload} />
      <RevokeSiteDialog
        site={toRevoke}
        onClose={() => setToRevoke(undefined)}
        onRevoked={s => {
          setToRevoke(undefined);
          alertApi.post({ message: `Revoked ${s.name} (${s.id}): its lease has ended.`, severity: 'success', display: 'transient' });
          reload();
        }}
      />
    </Grid>
  );
}
