import { InfoCard, StatusError, StatusOK, StatusWarning } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import type { LicenseStatus } from '@backstage-licensing/plugin-license-management-common';
import React from 'react';
import { licenseManagementApiRef, problemText } from '@backstage-licensing/plugin-license-management-react';
import { useBusyAction } from '../../hooks/useBusyAction';
import { DefinitionList } from '../DefinitionList';

type UsbKey = LicenseStatus['usbKey'];

const STATUS: Record<UsbKey['status'], { label: string; explain: string }> = {
  ready: { label: 'Ready', explain: 'Exactly one USB key is plugged into a management node and can be read.' },
  missing: { label: 'Missing', explain: 'No USB key is plugged in: licenses bound to a USB key do not count.' },
  abnormal: {
    label: 'Abnormal',
    explain: 'More than one USB key is seen across the management nodes. Licensing is not affected; remove the extra key.',
  },
  fault: {
    label: 'Fault',
    explain: 'A USB key is plugged in but cannot be read. Licensing continues on a buffer license for a limited time: replace or re-seat the key.',
  },
};

function UsbStatus({ status }: { status: UsbKey['status'] }) {
  const { label } = STATUS[status];
  if (status === 'ready') return <StatusOK>{label}</StatusOK>;
  if (status === 'fault') return <StatusError>{label}</StatusError>;
  return <StatusWarning>{label}</StatusWarning>;
}

export interface UsbKeyCardProps {
  usbKey: UsbKey;
  /** Whether the viewer may reload licenses (license.create). */
  canRefresh: boolean;
  /** Called once the rescan is done. */
  onRefreshed: () => void;
}

/** The USB key: status, Key ID and a Refresh that rescans it (disabled, saying why, where there is nothing to rescan). */
export function UsbKeyCard({ usbKey, canRefresh, onRefreshed }: UsbKeyCardProps) {
  const api = useApi(licenseManagementApiRef);
  const refresh = useBusyAction(async () => {
    await api.reload();
    onRefreshed();
  });
  const { busy, error } = refresh;
  // Rescanning does something only where USB key licensing is on.
  const why = !usbKey.enabled
    ? 'USB key licensing is not enabled on this portal: there is no USB key to rescan'
    : !canRefresh
      ? 'Only license admins can rescan the USB key'
      : undefined;

  const button = (
    <Button
      size="small"
      variant="outlined"
      onClick={() => refresh.run()}
      disabled={!!why || busy}
      startIcon={busy ? <CircularProgress size={14} /> : <RefreshIcon />}
    >
      {busy ? 'Reading USB key…' : 'Refresh'}
    </Button>
  );

  return (
    <InfoCard
      title="USB Key"
      subheader="Local licensing with a USB key plugged into a management node."
      actions={
        why ? (
          <Tooltip title={why}>
            <span>{button}</span>
          </Tooltip>
        ) : (
          button
        )
      }
    >
      {usbKey.enabled ? (
        <>
          <DefinitionList
            data-testid="usb-key"
            rows={[
              ['Status', <UsbStatus status={usbKey.status} />],
              ['Key ID', usbKey.keyId ?? '—'],
            ]}
          />
          <Typography variant="body2" color="textSecondary" style={{ marginTop: 12 }}>
            {STATUS[usbKey.status].explain}
          </Typography>
        </>
      ) : (
        <Typography variant="body2" color="textSecondary" data-testid="usb-key">
          USB key licensing is not enabled on this portal: its licenses are bound to the request key.
        </Typography>
      )}
      {error !== undefined && (
        <Alert severity="error" style={{ marginTop: 12 }}>
          Refresh failed. {problemText(error)}
        </Alert>
      )}
    </InfoCard>
  );
}
