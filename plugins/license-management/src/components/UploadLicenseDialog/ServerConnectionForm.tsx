import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import LinearProgress from '@material-ui/core/LinearProgress';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { LIST_TITLES, type LicenseServerView } from '@backstage-licensing/plugin-license-management-common';
import React, { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  licenseManagementApiRef,
  problemText,
  useLicensePermissions,
} from '@backstage-licensing/plugin-license-management-react';
import { useBusyAction } from '../../hooks/useBusyAction';

/** Is this portal a client site (connected, or trying to be)? */
export const isClientSite = (server?: LicenseServerView) =>
  server?.status === 'connected' || server?.status === 'disconnected' || server?.status === 'refused';

/** A URL the browser can parse, http or https; else what to type. */
function urlProblem(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return undefined;
  } catch {
    // below
  }
  return "Type the license server portal's backend base URL, e.g. http://licenses.example.com:7007.";
}

export interface ServerConnectionFormProps {
  /** `/status.server`, kept fresh by the page: the server's answer after a connect. */
  server?: LicenseServerView;
  /** Called after a connect or a disconnect, to read the status again. */
  onChanged: () => Promise<unknown> | void;
}

/**
 * The Server method of the Upload License dialog: connect this portal to a
 * license server (address and site credential, `PUT /server`), show what the
 * server answered, or go back to local licensing (`DELETE /server`).
 */
export function ServerConnectionForm({ server, onChanged }: ServerConnectionFormProps) {
  const api = useApi(licenseManagementApiRef);
  const { canUpload, loading } = useLicensePermissions();
  const connection = useAsyncRetry(() => api.getServerConnection(), [api]);
  const [url, setUrl] = useState('');
  const [credential, setCredential] = useState('');
  const [touched, setTouched] = useState(false);
  const [outcome, setOutcome] = useState<'connected' | 'disconnected'>();
  /** What the backend answered to the connect: how its first lease request went. */
  const [answered, setAnswered] = useState<LicenseServerView>();
  const [confirming, setConfirming] = useState(false);

  const connect = useBusyAction(async () => {
    setOutcome(undefined);
    const result = await api.connectServer({ url: url.trim(), credential: credential.trim() });
    setAnswered(result.server);
    setCredential('');
    setOutcome('connected');
    connection.retry();
    await onChanged();
  });
  const disconnect = useBusyAction(async () => {
    setOutcome(undefined);
    await api.disconnectServer();
    setConfirming(false);
    setOutcome('disconnected');
    connection.retry();
    await onChanged();
  });
  const busy = connect.busy || disconnect.busy;
  const badUrl = url.trim() ? urlProblem(url.trim()) : undefined;
  const connected = isClientSite(server) || (connection.value && connection.value.source !== 'none');
  const source = connection.value?.source;
  // The connect's own answer; the page's status (kept fresh) where the backend sent none.
  const answer = answered ?? server;

  if (loading) return <LinearProgress style={{ marginTop: 16 }} aria-label="Reading your permissions" />;
  if (!canUpload) {
    return (
      <Alert severity="info" style={{ marginTop: 16 }} data-testid="server-licensing">
        Only license admins can connect this portal to a license server.
        {server?.url ? ` It uses the license server at ${server.url}.` : ''}
      </Alert>
    );
  }

  return (
    <Box mt={2} data-testid="server-licensing">
      <Typography variant="body2" color="textSecondary" paragraph>
        Server licensing leases quota from a license server instead of uploading a file. Type the license
        server&apos;s address and the site credential its admin gave you when registering this portal as a client
        site. Local licenses stay installed and count again when you disconnect.
      </Typography>
      {server?.status === 'serving' && (
        <Alert severity="info" style={{ marginBottom: 16 }}>
          This portal is a license server itself: it serves its quota to client sites (see Client Sites).
        </Alert>
      )}
      {connected && (
        <Alert severity="info" style={{ marginBottom: 16 }} data-testid="server-current">
          {`Connected to ${server?.url ?? connection.value?.url ?? 'a license server'}${
            source === 'config' ? ' (set in the portal configuration; connecting here replaces it until you disconnect)' : ''
          }. Connecting again replaces the whole setting.`}
        </Alert>
      )}
      <TextField
        id="license-server-url"
        label="Server address"
        placeholder="http://licenses.example.com:7007"
        value={url}
        onChange={e => setUrl(e.target.value)}
        onBlur={() => setTouched(true)}
        error={touched && !!badUrl}
        helperText={(touched && badUrl) || "The license server portal's backend base URL."}
        disabled={busy}
        fullWidth
        margin="dense"
        variant="outlined"
      />
      <TextField
        id="license-server-credential"
        label="Site credential"
        type="password"
        value={credential}
        onChange={e => setCredential(e.target.value)}
        helperText="Shown once when the site was registered on the license server (Client Sites, or license-ctl sharing add-site)."
        disabled={busy}
        fullWidth
        margin="dense"
        variant="outlined"
        autoComplete="off"
      />
      <Box display="flex" flexWrap="wrap" style={{ gap: 8 }} mt={1}>
        <Button
          color="primary"
          variant="contained"
          disabled={busy || !url.trim() || !!badUrl || !credential.trim()}
          onClick={() => connect.run()}
          startIcon={connect.busy ? <CircularProgress size={14} /> : undefined}
        >
          {connect.busy ? 'Connecting…' : 'Connect'}
        </Button>
        {connected && !confirming && (
          <Button variant="outlined" disabled={busy} onClick={() => setConfirming(true)}>
            Disconnect
          </Button>
        )}
      </Box>
      {confirming && (
        <Alert
          severity="warning"
          style={{ marginTop: 16 }}
          role="alertdialog"
          aria-label="Disconnect from the license server"
          action={
            <>
              <Button size="small" disabled={busy} onClick={() => setConfirming(false)}>
                Keep
              </Button>
              <Button size="small" color="secondary" disabled={busy} onClick={() => disconnect.run()}>
                {disconnect.busy ? 'Disconnecting…' : 'Disconnect'}
              </Button>
            </>
          }
        >
          Go back to local licensing? The lease is released and this portal runs on its local licenses again.
        </Alert>
      )}
      {outcome === 'connected' && answer && (
        <Alert
          severity={answer.status === 'connected' ? 'success' : answer.status === 'refused' ? 'error' : 'warning'}
          style={{ marginTop: 16 }}
          role="status"
          data-testid="server-answer"
        >
          <AlertTitle>{`License server: ${LIST_TITLES.serverStatus[answer.status]}`}</AlertTitle>
          {answer.message ?? 'The setting is saved; the License Server card shows how the lease goes.'}
        </Alert>
      )}
      {outcome === 'disconnected' && (
        <Alert severity="success" style={{ marginTop: 16 }} role="status" data-testid="server-answer">
          Disconnected: this portal runs on its local licenses again.
        </Alert>
      )}
      {(connect.error ?? disconnect.error) !== undefined && (
        <Alert severity="error" style={{ marginTop: 16 }} role="alert">
          <AlertTitle>{connect.error !== undefined ? 'Not connected' : 'Not disconnected'}</AlertTitle>
          {problemText(connect.error ?? disconnect.error)}
        </Alert>
      )}
    </Box>
  );
}
