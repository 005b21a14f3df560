import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import React from 'react';
import type { RefusedDowngrade } from '@backstage-licensing/plugin-license-management-react';

export interface DowngradeConsequencesProps {
  refusal: RefusedDowngrade;
  /** What the admin is asked, e.g. "Install anyway?". */
  question: string;
}

/**
 * What a change (an upload, a reinstatement) would take away from the portal,
 * as the server listed it, and the question whether to go ahead.
 */
export function DowngradeConsequences({ refusal, question }: DowngradeConsequencesProps) {
  return (
    <Alert severity="warning" style={{ marginTop: 16 }} role="alert" data-testid="downgrade-consequences">
      <AlertTitle>This would reduce what the portal is licensed for</AlertTitle>
      <ul style={{ margin: '4px 0', paddingLeft: 20 }}>
        {refusal.consequences.map(c => (
          <li key={c} style={{ wordBreak: 'break-word' }}>
            {c}
          </li>
        ))}
      </ul>
      <div style={{ marginTop: 8 }}>
        Nothing has changed yet. <strong>{question}</strong>
      </div>
    </Alert>
  );
}
