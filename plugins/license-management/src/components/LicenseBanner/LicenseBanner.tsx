import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import CloseIcon from '@material-ui/icons/Close';
import Alert, { type Color } from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { ExceptionCode, LicenseException } from '@backstage-licensing/plugin-license-management-common';
import React, { useState } from 'react';
import { useLocation } from 'react-router-dom';
import {
  useLicensePagePath,
  useLicensePermissions,
  useLicenseStatus,
} from '@backstage-licensing/plugin-license-management-react';

const NOTICES: Record<ExceptionCode, { severity: Color; title: (e: LicenseException) => string }> = {
  LICENSE_EXPIRING: {
    severity: 'warning',
    title: e => `License expires in ${e.daysLeft ?? '?'} day${e.daysLeft === 1 ? '' : 's'}`,
  },
  LICENSE_EXPIRED: { severity: 'error', title: () => 'License expired' },
  QUOTA_EXCEEDED: { severity: 'error', title: () => 'Licensed quota exceeded' },
  LICENSE_SERVER_DISCONNECTED: { severity: 'warning', title: () => 'License server disconnected' },
  USB_KEY_MISSING: { severity: 'warning', title: () => 'USB key missing' },
  USB_KEY_FAULT: { severity: 'error', title: () => 'USB key fault' },
  USB_KEY_ABNORMAL: { severity: 'info', title: () => 'USB key abnormal' },
  CLOCK_ROLLBACK: { severity: 'error', title: () => 'System clock turned back' },
  LICENSE_TAMPERED: { severity: 'error', title: () => 'Stored license data was tampered with' },
};

const DISMISSED_KEY = 'license-management.dismissed-notices';
const keyOf = (e: LicenseException) => `${e.code}:${e.slot ?? ''}:${e.daysLeft ?? ''}:${e.metric ?? ''}`;

function readDismissed(): string[] {
  try {
    return JSON.parse(sessionStorage.getItem(DISMISSED_KEY) ?? '[]');
  } catch {
    return [];
  }
}

/**
 * The portal's license exceptions, one notice each, for every signed-in user.
 * Warnings can be dismissed for the session; errors stay. Admins get a link
 * to License Management, everyone else is told whom to ask.
 */
export function LicenseBanner() {
  const { status } = useLicenseStatus();
  const isAdmin = useLicensePermissions().canUpload;
  const pagePath = useLicensePagePath();
  const { pathname } = useLocation();
  const [dismissed, setDismissed] = useState(readDismissed);

  const notices = (status?.exceptions ?? []).filter(e => NOTICES[e.code] && !dismissed.includes(keyOf(e)));
  if (notices.length === 0) return null;
  const onPage = pagePath !== undefined && pathname.startsWith(pagePath);

  const dismiss = (e: LicenseException) => {
    const next = [...dismissed, keyOf(e)];
    setDismissed(next);
    try {
      sessionStorage.setItem(DISMISSED_KEY, JSON.stringify(next));
    } catch {
      // private mode: dismissed for this page view only
    }
  };

  return (
    <Box role="region" aria-label="License notices" data-testid="license-banner">
      {notices.map(e => {
        const { severity, title } = NOTICES[e.code];
        return (
          <Alert
            key={keyOf(e)}
            severity={severity}
            variant="filled"
            square
            data-code={e.code}
            action={
              severity === 'error' ? undefined : (
                <IconButton aria-label="Dismiss for this session" color="inherit" size="small" onClick={() => dismiss(e)}>
                  <CloseIcon fontSize="small" />
                </IconButton>
              )
            }
          >
            <AlertTitle>{title(e)}</AlertTitle>
            {e.message}{' '}
            {isAdmin && pagePath && !onPage && (
              <Link to={pagePath} color="inherit" underline="always">
                Open License Management
              </Link>
            )}
            {!isAdmin && 'Contact your portal administrator.'}
          </Alert>
        );
      })}
    </Box>
  );
}
