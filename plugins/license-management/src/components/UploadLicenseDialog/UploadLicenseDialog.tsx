import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import LinearProgress from '@material-ui/core/LinearProgress';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import Typography from '@material-ui/core/Typography';
import AttachFileIcon from '@material-ui/icons/AttachFile';
import Alert from '@material-ui/lab/Alert';
import type { LicenseServerView, UploadResult } from '@backstage-licensing/plugin-license-management-common';
import React, { useRef, useState } from 'react';
import {
  licenseManagementApiRef,
  refusedDowngrade,
  type RefusedDowngrade,
} from '@backstage-licensing/plugin-license-management-react';
import { formatBytes } from '../../lib/format';
import { DowngradeConsequences } from '../DowngradeConsequences';
import { LICENSE_FILE_ACCEPT, checkLicenseFile } from './checkLicenseFile';
import { ServerConnectionForm, isClientSite } from './ServerConnectionForm';
import { UploadFailure, UploadOutcome } from './UploadOutcome';

type Phase =
  | { name: 'idle' }
  | { name: 'uploading'; percent: number }
  | { name: 'verifying' }
  | { name: 'done'; result: UploadResult }
  /** The server refused a downgrade: its consequences, and the question whether to install anyway. */
  | { name: 'confirm'; refusal: RefusedDowngrade }
  | { name: 'failed'; error: unknown };

export interface UploadLicenseDialogProps {
  open: boolean;
  onClose: () => void;
  /** Called after a successful upload (also when nothing was new). */
  onUploaded: (result: UploadResult) => void;
  /** For the Server licensing choice: the license server, as the status reports it. */
  server?: LicenseServerView;
  /** Called after this portal connected to or disconnected from a license server. */
  onServerChanged?: () => Promise<unknown> | void;
}

/** Licensing method, a license file, the upload with its progress, and the server's answer. */
export function UploadLicenseDialog({ open, onClose, onUploaded, server, onServerChanged }: UploadLicenseDialogProps) {
  const api = useApi(licenseManagementApiRef);
  const input = useRef<HTMLInputElement>(null);
  const abort = useRef<AbortController>();
  // A client site opens on the Server method: that is how it is licensed.
  const firstMethod = isClientSite(server) ? 'server' : 'local';
  const [method, setMethod] = useState<'local' | 'server'>(firstMethod);
  const [file, setFile] = useState<File>();
  const [fileProblem, setFileProblem] = useState<string>();
  const [phase, setPhase] = useState<Phase>({ name: 'idle' });
  const busy = phase.name === 'uploading' || phase.name === 'verifying';

  const reset = () => {
    setFile(undefined);
    setFileProblem(undefined);
    setPhase({ name: 'idle' });
    setMethod(firstMethod);
    if (input.current) input.current.value = '';
  };
  const close = () => {
    if (busy) abort.current?.abort();
    reset();
    onClose();
  };
  const pick = (picked?: File) => {
    setPhase({ name: 'idle' });
    setFile(picked);
    setFileProblem(picked ? checkLicenseFile(picked) : undefined);
  };
  /** Sends the file; `acknowledge` accepts the consequences of a downgrade the server listed. */
  const upload = async (acknowledge = false) => {
    if (!file) return;
    abort.current = new AbortController();
    setPhase({ name: 'uploading', percent: 0 });
    try {
      const result = await api.uploadLicense(file, {
        ...(acknowledge ? { acknowledge: true } : {}),
        signal: abort.current.signal,
        onProgress: ({ loaded, total }) => {
          if (loaded >= total) setPhase({ name: 'verifying' });
          else setPhase({ name: 'uploading', percent: Math.round((loaded / total) * 100) });
        },
      });
      setPhase({ name: 'done', result });
      onUploaded(result);
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') return;
      const refusal = refusedDowngrade(error);
      setPhase(refusal ? { name: 'confirm', refusal } : { name: 'failed', error });
    }
  };

  return (
    <Dialog open={open} onClose={close} aria-labelledby="upload-license-title" maxWidth="sm" fullWidth>
      <DialogTitle id="upload-license-title">Upload License</DialogTitle>
      <DialogContent>
        <FormControl component="fieldset" disabled={busy}>
          <FormLabel component="legend">Licensing method</FormLabel>
          <RadioGroup row value={method} onChange={e => setMethod(e.target.value as 'local' | 'server')}>
            <FormControlLabel value="local" control={<Radio color="primary" />} label="Local licensing" />
            <FormControlLabel value="server" control={<Radio color="primary" />} label="Server licensing" />
          </RadioGroup>
        </FormControl>

        {method === 'server' ? (
          <ServerConnectionForm server={server} onChanged={onServerChanged ?? (() => {})} />
        ) : (
          <Box mt={2}>
            <Typography variant="body2" color="textSecondary" paragraph>
              Pick the license file from your vendor: a <code>.txt</code> or <code>.lic</code> text file, or a{' '}
              <code>.tar.gz</code> archive. Base and Plus licenses may come in one file; an upload installs all of
              them or none.
            </Typography>
            <input
              ref={input}
              data-testid="license-file-input"
              aria-label="License file"
              type="file"
              accept={LICENSE_FILE_ACCEPT}
              hidden
              onChange={e => pick(e.target.files?.[0])}
            />
            <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 12 }}>
              <Button
                variant="outlined"
                startIcon={<AttachFileIcon />}
                disabled={busy}
                onClick={() => input.current?.click()}
              >
                Choose file
              </Button>
              <Typography variant="body2" data-testid="license-file-name">
                {file ? `${file.name} (${formatBytes(file.size)})` : 'No file chosen'}
              </Typography>
            </Box>
            {fileProblem && (
              <Alert severity="warning" style={{ marginTop: 16 }}>
                {fileProblem}
              </Alert>
            )}
          </Box>
        )}

        {phase.name === 'uploading' && (
          <Box mt={2} aria-live="polite">
            <Typography variant="body2">Uploading… {phase.percent}%</Typography>
            <LinearProgress
              variant={phase.percent > 0 ? 'determinate' : 'indeterminate'}
              value={phase.percent}
              aria-label="Upload progress"
            />
          </Box>
        )}
        {phase.name === 'verifying' && (
          <Box mt={2} aria-live="polite">
            <Typography variant="body2">Checking the licenses…</Typography>
            <LinearProgress aria-label="Checking the licenses" />
          </Box>
        )}
        {phase.name === 'done' && <UploadOutcome result={phase.result} />}
        {phase.name === 'confirm' && <DowngradeConsequences refusal={phase.refusal} question="Install anyway?" />}
        {phase.name === 'failed' && <UploadFailure error={phase.error} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={close}>{phase.name === 'done' ? 'Close' : 'Cancel'}</Button>
        {method === 'local' && phase.name === 'confirm' && (
          <Button color="secondary" variant="contained" onClick={() => upload(true)}>
            Install anyway
          </Button>
        )}
        {method === 'local' && phase.name !== 'done' && phase.name !== 'confirm' && (
          <Button color="primary" variant="contained" onClick={() => upload()} disabled={!file || !!fileProblem || busy}>
            Upload
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
