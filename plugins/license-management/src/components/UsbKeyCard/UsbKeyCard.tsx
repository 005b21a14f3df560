import { CopyTextButton, InfoCard, StatusError, StatusOK, StatusRunning, StatusWarning } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import { LIST_TITLES, type UsbKeyStatus, type UsbKeyView } from '@backstage-licensing/plugin-license-management-common';
import React, { type ReactNode } from 'react';
import { licenseManagementApiRef, problemText } from '@backstage-licensing/plugin-license-management-react';
import { useBusyAction } from '../../hooks/useBusyAction';
import { formatDateTime, timeLeftText } from '../../lib/format';
import { DefinitionList } from '../DefinitionList';
import { UsbKeyNodes } from './UsbKeyNodes';

const SEVERITY: Record<UsbKeyStatus, 'success' | 'warning' | 'error'> = {
  ready: 'success',
  missing: 'warning',
  abnormal: 'warning',
  fault: 'error',
};

function UsbStatus({ status, rescanning }: { status: UsbKeyStatus; rescanning: boolean }) {
  if (rescanning) return <StatusRunning>Rescanning…</StatusRunning>;
  const label = LIST_TITLES.usbKeyStatus[status];
  if (status === 'ready') return <StatusOK>{label}</StatusOK>;
  if (status === 'fault') return <StatusError>{label}</StatusError>;
  return <StatusWarning>{label}</StatusWarning>;
}

/** While in fault (or after one, until a key is read again): when the buffer ends and what is left of it. */
function bufferText(usbKey: UsbKeyView): string | undefined {
  if (!usbKey.bufferEndsAt) return undefined;
  const left = timeLeftText(usbKey.bufferEndsAt);
  return left === 'ended'
    ? `Ended ${formatDateTime(usbKey.bufferEndsAt)}: licenses bound to the USB key no longer count`
    : `Until ${formatDateTime(usbKey.bufferEndsAt)} (${left})`;
}

export interface UsbKeyCardProps {
  usbKey: UsbKeyView;
  /** Whether the viewer may reload licenses (license.create). */
  canRefresh: boolean;
  /** Called once the rescan is done. */
  onRefreshed: () => void;
}

/**
 * The USB key: status and what to do (the server's message), the Key ID, the
 * fault buffer, the management nodes and what each sees, and a Refresh that
 * rescans (disabled, saying why, where there is nothing to rescan).
 */
export function UsbKeyCard({ usbKey, canRefresh, onRefreshed }: UsbKeyCardProps) {
  const api = useApi(licenseManagementApiRef);
  const refresh = useBusyAction(async () => {
    await api.reload();
    onRefreshed();
  });
  const { busy, error } = refresh;
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
      {busy ? 'Rescanning…' : 'Refresh'}
    </Button>
  );

  const rows: [string, ReactNode][] = [
    ['Status', <UsbStatus status={usbKey.status} rescanning={busy} />],
    [
      'Key ID',
      usbKey.keyId ? (
        <>
          <Typography component="span" variant="body2" style={{ fontFamily: 'monospace', marginRight: 8 }} data-testid="usb-key-id">
            {usbKey.keyId}
          </Typography>
          <CopyTextButton text={usbKey.keyId} aria-label="Copy USB Key ID" tooltipText="USB Key ID copied" />
        </>
      ) : (
        '—'
      ),
    ],
  ];
  const buffer = bufferText(usbKey);
  if (buffer) rows.push(['Fault buffer', <span data-testid="usb-key-buffer">{buffer}</span>]);

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
        <Box data-testid="usb-key" aria-busy={busy}>
          <DefinitionList rows={rows} />
          {usbKey.message && (
            <Alert severity={SEVERITY[usbKey.status]} style={{ marginTop: 12 }} data-testid="usb-key-message">
              {usbKey.message}
            </Alert>
          )}
          <Typography variant="subtitle2" style={{ marginTop: 16 }}>
            Management nodes
          </Typography>
          <UsbKeyNodes nodes={usbKey.nodes} />
        </Box>
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
