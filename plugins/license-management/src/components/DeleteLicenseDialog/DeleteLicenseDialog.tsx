import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import type { LicenseView } from '@backstage-licensing/plugin-license-management-common';
import React from 'react';
import { licenseManagementApiRef, problemText } from '@backstage-licensing/plugin-license-management-react';
import { useBusyAction } from '../../hooks/useBusyAction';
import { validThroughText } from '../../lib/format';

export interface DeleteLicenseDialogProps {
  /** The license to delete; the dialog is open while set. */
  license?: LicenseView;
  onClose: () => void;
  onDeleted: (license: LicenseView) => void;
}

/** Asks before deleting a Plus license, deletes it, and says so. */
export function DeleteLicenseDialog({ license, onClose, onDeleted }: DeleteLicenseDialogProps) {
  const api = useApi(licenseManagementApiRef);
  const alertApi = useApi(alertApiRef);
  const remove = useBusyAction(async (l: LicenseView) => {
    await api.deleteLicense(l.id);
    alertApi.post({
      message: `Deleted ${l.title} (${l.id}). The licensing records keep it; uploading its file again restores it.`,
      severity: 'success',
      display: 'transient',
    });
    onDeleted(l);
  });

  const close = () => {
    if (remove.busy) return;
    remove.reset();
    onClose();
  };

  return (
    <Dialog open={!!license} onClose={close} aria-labelledby="delete-license-title" maxWidth="sm" fullWidth>
      <DialogTitle id="delete-license-title">Delete Plus license?</DialogTitle>
      <DialogContent>
        {license && (
          <DialogContentText>
            <strong>{license.title}</strong> ({license.id}, {validThroughText(license.validThrough)}) will be deleted
            and its features become unavailable unless another license for the module is installed. The licensing
            records keep it, and uploading the same license file again restores it.
          </DialogContentText>
        )}
        {remove.error !== undefined && (
          <Alert severity="error" role="alert">
            The license was not deleted. {problemText(remove.error)}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={remove.busy}>
          Cancel
        </Button>
        <Button
          onClick={() => license && remove.run(license)}
          color="secondary"
          variant="contained"
          disabled={remove.busy}
          startIcon={remove.busy ? <CircularProgress size={16} color="inherit" /> : undefined}
        >
          Delete
        </Button>
      </DialogActions>
    </Dialog>
  );
}
