import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { UploadResult } from '@backstage-licensing/plugin-license-management-common';
import React from 'react';
import { describeError } from '@backstage-licensing/plugin-license-management-react';
import { typeLabel } from '../../lib/format';

const listOf = (licenses: UploadResult['installed']) =>
  licenses.map(l => `${l.title} (${typeLabel(l.type)})`).join(', ');

/** What an upload installed, what was already there, and what it superseded. */
export function UploadOutcome({ result }: { result: UploadResult }) {
  // A server that predates `superseded` sends none.
  const superseded = result.superseded ?? [];
  return (
    <Alert severity="success" style={{ marginTop: 16 }} role="status">
      <AlertTitle>{result.installed.length > 0 ? 'License installed' : 'Nothing new in this file'}</AlertTitle>
      {result.installed.length > 0 && <div>Installed: {listOf(result.installed)}.</div>}
      {result.unchanged.length > 0 && <div>Already installed, unchanged: {listOf(result.unchanged)}.</div>}
      {superseded.length > 0 && (
        <div>
          {`Superseded, no longer in force: ${listOf(superseded)}. ${
            superseded.length > 1 ? 'They stay installed; a license admin can reinstate them' : 'It stays installed; a license admin can reinstate it'
          } from the expiry timeline.`}
        </div>
      )}
    </Alert>
  );
}

/** Why an upload was refused, in the server's words, and what to do. */
export function UploadFailure({ error }: { error: unknown }) {
  const { message, hint } = describeError(error);
  return (
    <Alert severity="error" style={{ marginTop: 16 }} role="alert">
      <AlertTitle>The license was not installed</AlertTitle>
      <div style={{ whiteSpace: 'pre-line', wordBreak: 'break-word' }}>{message}</div>
      <div style={{ marginTop: 4 }}>
        {hint ?? 'Check that the file is the one your vendor issued for this portal’s Key ID, or ask the vendor for a new one.'}
      </div>
    </Alert>
  );
}
