import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import type { LicenseView } from '@backstage-licensing/plugin-license-management-common';
import React, { useState } from 'react';
import { licenseManagementApiRef, problemText } from '@backstage-licensing/plugin-license-management-react';
import { formatDateTime } from '../../lib/format';

export interface DeleteLicenseDialogProps {
  /** The license to delete; the dialog is open while set. */
  license?: LicenseView;
  onClose: () => void;
  onDeleted: (license: LicenseView) => void;
}

/** Asks before deleting a Plus license, then deletes it. */
export function DeleteLicenseDialog({ license, onClose, onDeleted }: DeleteLicenseDialogProps) {
  const api = useApi(licenseManagementApiRef);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const close = () => {
    if (busy) return;
    setError(undefined);
    onClose();
  };
  const confirm = async () => {
    if (!license) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.deleteLicense(license.id);
      onDeleted(license);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={!!license} onClose={close} aria-labelledby="delete-license-title" maxWidth="sm" fullWidth>
      <DialogTitle id="delete-license-title">Delete Plus license?</DialogTitle>
      <DialogContent>
        {license && (
          <DialogContentText>
            <strong>{license.title}</strong> ({license.id}, expires {formatDateTime(license.expiresAt)}) will be
            deleted and its features become unavailable unless another license for the module is installed. The
            licensing records keep it, and uploading the same license file again restores it.
          </DialogContentText>
        )}
        {error !== undefined && (
          <Alert severity="error" role="alert">
            The license was not deleted. {problemText(error)}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={busy}>
          Cancel
        </Button>
        <Button
          onClick={confirm}
          color="secondary"
          variant="contained"
          disabled={busy}
          startIcon={busy ? <CircularProgress size={16} color="inherit" /> : undefined}
        >
          Delete
        </Button>
      </DialogActions>
    </Dialog>
  );
}
