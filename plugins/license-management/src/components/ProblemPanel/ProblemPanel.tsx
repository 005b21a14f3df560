import { WarningPanel } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import React from 'react';
import { describeError } from '@backstage-licensing/plugin-license-management-react';

export interface ProblemPanelProps {
  /** What could not be done, e.g. "The license status could not be read". */
  title: string;
  error: unknown;
  onRetry?: () => void;
}

/** A failure in plain words, with what to do and an optional retry. */
export function ProblemPanel({ title, error, onRetry }: ProblemPanelProps) {
  const { message, hint } = describeError(error);
  return (
    <WarningPanel severity="error" title={title} defaultExpanded message={hint ? `${message} ${hint}` : message}>
      {onRetry && (
        <Button variant="outlined" size="small" onClick={onRetry}>
          Try again
        </Button>
      )}
    </WarningPanel>
  );
}
