import {
  LIST_TITLES,
  validThroughOf,
  type LicenseMethod,
} from '@backstage-licensing/plugin-license-management-common';

/**
 * "valid through 2027-12-31": the last valid day, as the vendor typed it
 * (`--expires 2027-12-31`), never the next midnight the token holds. The
 * server's `validThrough` when it sends one, else the same rule applied here.
 */
export function validThroughText(license: { validThrough?: string; expiresAt: string }): string {
  return `valid through ${license.validThrough ?? validThroughOf(license.expiresAt)}`;
}

/** The words people read for a licensing method: "Request key", "USB key", "License server". */
export function methodTitle(method: LicenseMethod | 'server' | null | undefined): string {
  if (!method) return '-';
  if (method === 'server') return 'License server';
  return LIST_TITLES.method[method] ?? method;
}
