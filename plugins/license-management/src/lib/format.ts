import {
  LIST_TITLES,
  type LicenseMethod,
  type LicenseState,
  type LicenseStatus,
  type LicenseType,
  type PortalState,
} from '@backstage-licensing/plugin-license-management-common';
import type { CatalogTitles } from '@backstage-licensing/plugin-license-management-react';

/** A date in the viewer's locale, e.g. "Dec 31, 2027". */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** A date and time in the viewer's locale. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * A calendar day (`YYYY-MM-DD`) in the viewer's locale, as the day it names
 * whatever the viewer's time zone: "2027-12-31" is "Dec 31, 2027" everywhere.
 */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '—';
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

/** "valid through Dec 31, 2027": the last valid day, as the vendor typed it. */
export function validThroughText(day: string | null | undefined): string {
  return day ? `valid through ${formatDay(day)}` : '—';
}

/** The server's days left, for people: "12 days", "Last day today", "None (expired)". */
export function daysLeftText(daysLeft: number | null): string {
  if (daysLeft === null) return 'None (expired)';
  if (daysLeft === 0) return 'Last day today';
  return `${daysLeft} day${daysLeft === 1 ? '' : 's'}`;
}

export function methodLabel(method: LicenseMethod | 'server' | null | undefined): string {
  if (!method) return '—';
  return method === 'server' ? 'License server' : LIST_TITLES.method[method] ?? method;
}

export function stateLabel(state: LicenseState | PortalState | null | undefined): string {
  if (!state) return '—';
  return (LIST_TITLES.state as Record<string, string>)[state] ?? (LIST_TITLES.portalState as Record<string, string>)[state] ?? state;
}

export function typeLabel(type: LicenseType | null | undefined): string {
  return type ? LIST_TITLES.type[type] ?? type : '—';
}

/** "Hosts: 100, VMware CPUs: 32" in the catalog's words, or "—" without quota. */
export function formatQuota(quota: Record<string, number> | null | undefined, titles: CatalogTitles): string {
  const entries = Object.entries(quota ?? {});
  if (entries.length === 0) return '—';
  return entries.map(([metric, n]) => `${titles.metric(metric)}: ${n.toLocaleString()}`).join(', ');
}

/** "Base + 2 Plus", "Base", or "Community (no Base license)". */
export function mechanismLabel(status: LicenseStatus): string {
  if (!status.base) return 'Community (no Base license)';
  const plus = status.plus.length;
  return plus === 0 ? 'Base License' : `Base License + ${plus} Plus License${plus === 1 ? '' : 's'}`;
}

/** Bytes for people: "812 B", "3.4 KiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * What is left until `until`, for people: "2 days 3 hours left", "45 minutes
 * left", "less than a minute left"; "ended" once it has passed.
 */
export function timeLeftText(until: string | null | undefined, now: number = Date.now()): string {
  if (!until) return '—';
  const ms = Date.parse(until) - now;
  if (ms <= 0) return 'ended';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'less than a minute left';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const parts = days > 0 ? [plural(days, 'day'), hours > 0 && plural(hours, 'hour')] : hours > 0 ? [plural(hours, 'hour'), mins > 0 && plural(mins, 'minute')] : [plural(mins, 'minute')];
  return `${parts.filter(Boolean).join(' ')} left`;
}

/** A date and time to the second, in the viewer's locale: when a node or a site was last seen. */
export function formatMoment(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
