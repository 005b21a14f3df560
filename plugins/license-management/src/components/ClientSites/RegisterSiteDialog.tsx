import { CopyTextButton } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import React, { useState } from 'react';
import {
  licenseManagementApiRef,
  problemText,
  type RegisteredSite,
} from '@backstage-licensing/plugin-license-management-react';
import { useBusyAction } from '../../hooks/useBusyAction';

export interface RegisterSiteDialogProps {
  open: boolean;
  onClose: () => void;
  /** Called once the site is registered (the list can be read again). */
  onRegistered: (site: RegisteredSite) => void;
}

/**
 * Registers a client site by name and shows its credential once, with copy
 * and a warning to keep it: it is stored only as a hash and never shown again.
 */
export function RegisterSiteDialog({ open, onClose, onRegistered }: RegisterSiteDialogProps) {
  const api = useApi(licenseManagementApiRef);
  const [name, setName] = useState('');
  const [registered, setRegistered] = useState<RegisteredSite>();
  const register = useBusyAction(async () => {
    const site = await api.registerSharingSite(name.trim());
    setRegistered(site);
    onRegistered(site);
  });

  const close = () => {
    if (register.busy) return;
    // The credential leaves the page with the dialog: it is never shown again.
    setRegistered(undefined);
    setName('');
    register.reset();
    onClose();
  };

  return (
    <Dialog open={open} onClose={registered ? undefined : close} aria-labelledby="register-site-title" maxWidth="sm" fullWidth>
      <DialogTitle id="register-site-title">{registered ? `Client site ${registered.name} registered` : 'Register a client site'}</DialogTitle>
      <DialogContent>
        {registered ? (
          <>
            <Alert severity="warning" role="alert">
              <AlertTitle>Copy the credential now: it is shown only once</AlertTitle>
              The license server keeps only a hash of it. Give it to the client site&apos;s admin, who connects with
              Upload License → Server licensing (or license-ctl server connect). If it is lost, revoke the site and
              register it again.
            </Alert>
            <Box display="flex" alignItems="center" mt={2} style={{ gap: 8 }}>
              <Typography
                component="code"
                variant="body2"
                data-testid="site-credential"
                style={{ fontFamily: 'monospace', wordBreak: 'break-all', flex: 1 }}
              >
                {registered.credential}
              </Typography>
              <CopyTextButton text={registered.credential} aria-label="Copy credential" tooltipText="Credential copied" />
            </Box>
            <Typography variant="caption" color="textSecondary">
              Site ID {registered.id}
            </Typography>
          </>
        ) : (
          <>
            <DialogContentText>
              A client site is another portal that leases quota from this license server. Name it after the portal
              or the place it runs, e.g. &quot;Branch office&quot;.
            </DialogContentText>
            <TextField
              id="client-site-name"
              label="Site name"
              value={name}
              onChange={e => setName(e.target.value)}
              disabled={register.busy}
              fullWidth
              autoFocus
              variant="outlined"
              margin="dense"
              inputProps={{ maxLength: 100 }}
            />
          </>
        )}
        {register.error !== undefined && (
          <Alert severity="error" role="alert" style={{ marginTop: 16 }}>
            The site was not registered. {problemText(register.error)}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        {registered ? (
          <Button color="primary" variant="contained" onClick={close}>
            I have copied it — close
          </Button>
        ) : (
          <>
            <Button onClick={close} disabled={register.busy}>
              Cancel
            </Button>
            <Button
              color="primary"
              variant="contained"
              disabled={register.busy || !name.trim()}
              onClick={() => register.run()}
              startIcon={register.busy ? <CircularProgress size={16} color="inherit" /> : undefined}
            >
              Register
            </Button>
          </>
        )}
      </DialogActions>
    </Dialog>
  );
}
