import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import React from 'react';
import {
  licenseManagementApiRef,
  problemText,
  type SharingSite,
} from '@backstage-licensing/plugin-license-management-react';
import { useBusyAction } from '../../hooks/useBusyAction';

export interface RevokeSiteDialogProps {
  /** The site to revoke; the dialog is open while set. */
  site?: SharingSite;
  onClose: () => void;
  onRevoked: (site: SharingSite) => void;
}

/** Asks before revoking a client site: its lease ends at once and its credential stops working. */
export function RevokeSiteDialog({ site, onClose, onRevoked }: RevokeSiteDialogProps) {
  const api = useApi(licenseManagementApiRef);
  const revoke = useBusyAction(async (s: SharingSite) => {
    await api.revokeSharingSite(s.id);
    onRevoked(s);
  });
  const close = () => {
    if (revoke.busy) return;
    revoke.reset();
    onClose();
  };
  return (
    <Dialog open={!!site} onClose={close} aria-labelledby="revoke-site-title" maxWidth="sm" fullWidth>
      <DialogTitle id="revoke-site-title">Revoke client site?</DialogTitle>
      <DialogContent>
        {site && (
          <DialogContentText>
            <strong>{site.name}</strong> ({site.id}) loses its lease at once
            {site.lease ? ', and the quota it holds returns to the pool' : ''}. Its credential stops working: to
            connect it again, register it anew and give its admin the new credential.
          </DialogContentText>
        )}
        {revoke.error !== undefined && (
          <Alert severity="error" role="alert">
            The site was not revoked. {problemText(revoke.error)}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={revoke.busy}>
          Cancel
        </Button>
        <Button
          color="secondary"
          variant="contained"
          disabled={revoke.busy}
          onClick={() => site && revoke.run(site)}
          startIcon={revoke.busy ? <CircularProgress size={16} color="inherit" /> : undefined}
        >
          Revoke
        </Button>
      </DialogActions>
    </Dialog>
  );
}
