import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Tooltip from '@material-ui/core/Tooltip';
import GetAppIcon from '@material-ui/icons/GetApp';
import React from 'react';
import { licenseManagementApiRef, problemText } from '@backstage-licensing/plugin-license-management-react';
import { useBusyAction } from '../../hooks/useBusyAction';
import { saveBlob } from '../../lib/download';

export interface RequestKeyButtonProps {
  /** Whether the viewer may download the request key (request-key.read). */
  allowed: boolean;
}

/** Downloads the installation's request key file, to send to the vendor. */
export function RequestKeyButton({ allowed }: RequestKeyButtonProps) {
  const api = useApi(licenseManagementApiRef);
  const alertApi = useApi(alertApiRef);
  const download = useBusyAction(async () => {
    try {
      const { fileName, content } = await api.downloadRequestKey();
      saveBlob(content, fileName);
    } catch (e) {
      alertApi.post({ message: `The request key could not be downloaded. ${problemText(e)}`, severity: 'error' });
    }
  });
  const { busy } = download;

  const button = (
    <Button
      size="small"
      variant="outlined"
      onClick={() => download.run()}
      disabled={!allowed || busy}
      startIcon={busy ? <CircularProgress size={14} /> : <GetAppIcon />}
    >
      Download Request Key
    </Button>
  );
  if (allowed) return button;
  return (
    <Tooltip title="Only license admins can download the request key">
      <span>{button}</span>
    </Tooltip>
  );
}
