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
  /** Shown as a warning when a valid license runs out soon. */
  expiringSoon?: boolean;
}

/** A license's or the portal's state, with its status colour. */
export function LicenseStateLabel({ state, expiringSoon }: LicenseStateLabelProps) {
  const label = stateLabel(state);
  switch (state) {
    case 'valid':
      return expiringSoon ? <StatusWarning>{label}, expiring soon</StatusWarning> : <StatusOK>{label}</StatusOK>;
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
