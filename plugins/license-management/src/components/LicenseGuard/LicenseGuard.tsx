import { Progress } from '@backstage/core-components';
import type { PropsWithChildren } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import React from 'react';
import { useLicensePagePath, useLicenseStatus } from '@backstage-licensing/plugin-license-management-react';

export interface LicenseGuardProps {
  /** Where License Management is mounted, when the app has not bound its route. */
  to?: string;
}

/**
 * Wraps the app's routes. Once the Base license has expired, every route but
 * License Management redirects there, so that an admin can upload a new one.
 * Waits for the first status; if it cannot be read, lets everything through
 * (the backend enforces the license either way).
 */
export function LicenseGuard({ to, children }: PropsWithChildren<LicenseGuardProps>) {
  const { status, error } = useLicenseStatus();
  const mounted = useLicensePagePath();
  const pagePath = (to ?? mounted ?? '/license-management').replace(/\/+$/, '') || '/';
  const { pathname } = useLocation();

  if (!status && !error) return <Progress />;
  const onPage = pathname === pagePath || pathname.startsWith(`${pagePath}/`);
  if (status?.state === 'expired' && !onPage) {
    return <Navigate to={pagePath} replace state={{ licenseExpiredFrom: pathname }} />;
  }
  return <>{children}</>;
}
