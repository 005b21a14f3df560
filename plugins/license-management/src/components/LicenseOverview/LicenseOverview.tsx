import { ContentHeader, Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Tooltip from '@material-ui/core/Tooltip';
import CloudUploadIcon from '@material-ui/icons/CloudUpload';
import type { LicenseView } from '@backstage-licensing/plugin-license-management-common';
import React, { useCallback, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  licenseManagementApiRef,
  useLicensePermissions,
  useLicenseStatus,
} from '@backstage-licensing/plugin-license-management-react';
import { BaseLicenseCard } from '../BaseLicenseCard';
import { ClientSites } from '../ClientSites';
import { ExpiryTimeline } from '../ExpiryTimeline';
import { LicenseServerCard } from '../LicenseServerCard';
import { LicenseSummaryCard } from '../LicenseSummaryCard';
import { PlusLicensesTable } from '../PlusLicensesTable';
import { ProblemPanel } from '../ProblemPanel';
import { QuotaCard } from '../QuotaCard';
import { ReinstateLicenseDialog } from '../ReinstateLicenseDialog';
import { RequestKeyButton } from '../RequestKeyButton';
import { UploadLicenseDialog } from '../UploadLicenseDialog';
import { UsbKeyCard } from '../UsbKeyCard';

/** The Overview tab: the whole license picture and the admin actions. */
export function LicenseOverview() {
  const api = useApi(licenseManagementApiRef);
  const { status, error, revision, refresh } = useLicenseStatus();
  const licenses = useAsyncRetry(() => api.listLicenses(), [api, revision]);
  const [uploadOpen, setUploadOpen] = useState(false);
  const [toReinstate, setToReinstate] = useState<LicenseView>();
  const { canUpload, canDelete, canRequestKey, canManageSharing } = useLicensePermissions();

  const reloadAll = useCallback(async () => {
    await refresh();
    licenses.retry();
  }, [refresh, licenses]);

  if (!status) {
    if (error) return <ProblemPanel title="The license status could not be read" error={error} onRetry={refresh} />;
    return <Progress />;
  }

  const uploadButton = (
    <Button
      variant="contained"
      color="primary"
      startIcon={<CloudUploadIcon />}
      onClick={() => setUploadOpen(true)}
      disabled={!canUpload}
    >
      Upload License
    </Button>
  );
  const all = licenses.value ?? [];
  // Reinstating a superseded license is an upload's kind of change: license.create.
  const onReinstate = canUpload ? setToReinstate : undefined;
  const listing = licenses.loading && !licenses.value;

  return (
    <>
      <ContentHeader title="Overview" description="Licensing mechanism, licenses, quotas and how this portal is licensed.">
        {canUpload ? (
          uploadButton
        ) : (
          <Tooltip title="Only license admins can upload licenses">
            <span>{uploadButton}</span>
          </Tooltip>
        )}
      </ContentHeader>
      <Grid container spacing={3}>
        {status.state === 'expired' && (
          <Grid item xs={12}>
            <WarningPanel
              severity="error"
              title="The Base license has expired: the other pages of the portal are closed"
              message={`Every page but this one sends people here until a valid Base license is installed. ${
                canUpload
                  ? 'Upload a renewed license with Upload License; if you have none, send the Key ID or the request key to your vendor.'
                  : 'Ask a portal admin to upload a renewed license.'
              }`}
              defaultExpanded
            />
          </Grid>
        )}
        {error && (
          <Grid item xs={12}>
            <ProblemPanel title="The license status could not be refreshed; showing the last one read" error={error} onRetry={refresh} />
          </Grid>
        )}
        <Grid item xs={12} md={6}>
          <LicenseSummaryCard status={status} requestKeyAction={<RequestKeyButton allowed={canRequestKey} />} />
        </Grid>
        <Grid item xs={12} md={6}>
          <BaseLicenseCard base={status.base} />
        </Grid>
        <Grid item xs={12}>
          {licenses.error && (
            <ProblemPanel title="The installed licenses could not be listed" error={licenses.error} onRetry={licenses.retry} />
          )}
          {!licenses.error && listing && <Progress />}
          {!licenses.error && !listing && <ExpiryTimeline licenses={all} onReinstate={onReinstate} />}
        </Grid>
        <Grid item xs={12}>
          {!listing && (
            <PlusLicensesTable
              licenses={all.filter(l => l.type === 'plus')}
              canDelete={canDelete}
              onDeleted={reloadAll}
              onReinstate={onReinstate}
            />
          )}
        </Grid>
        <Grid item xs={12} lg={4}>
          <QuotaCard quotas={status.quotas} />
        </Grid>
        <Grid item xs={12} md={6} lg={4}>
          <UsbKeyCard usbKey={status.usbKey} canRefresh={canUpload} onRefreshed={reloadAll} />
        </Grid>
        <Grid item xs={12} md={6} lg={4}>
          <LicenseServerCard server={status.server} />
        </Grid>
        {status.server.status === 'serving' && canManageSharing && (
          <Grid item xs={12}>
            <ContentHeader title="Client Sites" description="Portals that lease quota from this license server." />
            <ClientSites revision={revision} />
          </Grid>
        )}
      </Grid>
      <UploadLicenseDialog
        open={uploadOpen}
        onClose={() => setUploadOpen(false)}
        onUploaded={reloadAll}
        server={status.server}
        onServerChanged={refresh}
      />
      <ReinstateLicenseDialog
        license={toReinstate}
        onClose={() => setToReinstate(undefined)}
        onReinstated={() => {
          setToReinstate(undefined);
          reloadAll();
        }}
      />
    </>
  );
}
