import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import type { LicenseView, ReinstateResult } from '@backstage-licensing/plugin-license-management-common';
import React, { useEffect, useState } from 'react';
import {
  licenseManagementApiRef,
  problemText,
  refusedDowngrade,
  type RefusedDowngrade,
} from '@backstage-licensing/plugin-license-management-react';
import { useBusyAction } from '../../hooks/useBusyAction';
import { typeLabel, validThroughText } from '../../lib/format';
import { DowngradeConsequences } from '../DowngradeConsequences';

export interface ReinstateLicenseDialogProps {
  /** The superseded license to bring back into force; the dialog is open while set. */
  license?: LicenseView;
  onClose: () => void;
  onReinstated: (result: ReinstateResult) => void;
}

/**
 * Asks before bringing a superseded license back into force, then does it.
 * When the server says that would downgrade the licenses in force, shows the
 * consequences and asks again ("Reinstate anyway").
 */
export function ReinstateLicenseDialog({ license, onClose, onReinstated }: ReinstateLicenseDialogProps) {
  const api = useApi(licenseManagementApiRef);
  const [refusal, setRefusal] = useState<RefusedDowngrade>();
  const action = useBusyAction(async (id: string, acknowledge: boolean) => {
    try {
      const result = await api.reinstateLicense(id, acknowledge ? { acknowledge: true } : {});
      setRefusal(undefined);
      onReinstated(result);
    } catch (e) {
      // A downgrade is a question to the admin, not a failure.
      const refused = refusedDowngrade(e);
      if (!refused) throw e;
      setRefusal(refused);
    }
  });
  const { busy, error, reset } = action;

  useEffect(() => {
    reset();
    setRefusal(undefined);
  }, [license?.id, reset]);

  const close = () => {
    if (busy) return;
    onClose();
  };
  const reinstate = (acknowledge: boolean) => license && action.run(license.id, acknowledge);

  const title = license ? `${license.title} (${typeLabel(license.type)})` : '';
  return (
    <Dialog open={!!license} onClose={close} aria-labelledby="reinstate-license-title" maxWidth="sm" fullWidth>
      <DialogTitle id="reinstate-license-title">Reinstate license?</DialogTitle>
      <DialogContent>
        {license && (
          <DialogContentText>
            <strong>{title}</strong> ({license.id}, {validThroughText(license.validThrough)}) is superseded: a later
            upload holds its slot. Reinstating it makes it the newest upload of its slot, so it comes back into force;
            the license in force there now becomes superseded and stays installed. The licensing records keep both.
          </DialogContentText>
        )}
        {refusal && <DowngradeConsequences refusal={refusal} question="Reinstate anyway?" />}
        {error !== undefined && (
          <Alert severity="error" role="alert" style={{ marginTop: 16 }}>
            The license was not reinstated. {problemText(error)}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={busy}>
          Cancel
        </Button>
        <Button
          onClick={() => reinstate(!!refusal)}
          color={refusal ? 'secondary' : 'primary'}
          variant="contained"
          disabled={busy}
          startIcon={busy ? <CircularProgress size={16} color="inherit" /> : undefined}
        >
          {refusal ? 'Reinstate anyway' : 'Reinstate'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
