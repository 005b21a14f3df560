import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import type {
  LicenseState,
  PortalState,
} from '@backstage-licensing/plugin-license-management-common';
import React from 'react';
import { stateLabel } from '../../lib/format';

export interface LicenseStateLabelProps {
  state: LicenseState | PortalState | null | undefined;
  /** Shown as a warning when a valid license runs out soon (the server's `expiringSoon`). */
  expiringSoon?: boolean;
  /** Why a valid portal denies features anyway ("quota exceeded"): shown as an error, not as valid. */
  degraded?: string;
}

/** A license's or the portal's state, with its status colour. */
export function LicenseStateLabel({ state, expiringSoon, degraded }: LicenseStateLabelProps) {
  const label = stateLabel(state);
  switch (state) {
    case 'valid':
      if (degraded) return <StatusError>Degraded: {degraded}</StatusError>;
      return expiringSoon ? <StatusWarning>{label}, expiring soon</StatusWarning> : <StatusOK>{label}</StatusOK>;
    case 'key-missing':
      return <StatusWarning>{label}</StatusWarning>;
    case 'expired':
    case 'tampered':
      return <StatusError>{label}</StatusError>;
    case 'pending':
      return <StatusPending>{label}</StatusPending>;
    case 'superseded':
      return <StatusAborted>{label}</StatusAborted>;
    case 'community':
      return <StatusWarning>{label}</StatusWarning>;
    default:
      return <>{label}</>;
  }
}

/** What to do about a license whose USB key does not count now: plug it in. */
export function keyMissingHint(keyId: string): string {
  return `Plug USB key ${keyId} into a management node: this license counts only while its key is present.`;
}
