import {
  compileCatalog,
  type LicenseMethod,
  type LicenseState,
  type LicenseStatus,
  type LicenseType,
  type PortalState,
} from '@backstage-licensing/plugin-license-management-common';

const DAY_MS = 86_400_000;
const catalog = compileCatalog();

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

/** Whole days until `iso` (rounded up, never below 0), as the backend counts them. */
export function daysLeft(iso: string, now = Date.now()): number {
  return Math.max(0, Math.ceil((Date.parse(iso) - now) / DAY_MS));
}

export function daysLeftText(iso: string, now = Date.now()): string {
  if (Date.parse(iso) <= now) return 'None (expired)';
  const n = daysLeft(iso, now);
  return `${n} day${n === 1 ? '' : 's'}`;
}

const METHODS: Record<string, string> = {
  'request-key': 'Local (request key)',
  'usb-key': 'Local (USB key)',
  server: 'Server',
};

export function methodLabel(method: LicenseMethod | 'server' | null | undefined): string {
  return method ? METHODS[method] ?? method : '—';
}

const STATES: Record<LicenseState | PortalState, string> = {
  valid: 'Valid',
  superseded: 'Superseded',
  pending: 'Pending',
  expired: 'Expired',
  tampered: 'Tampered',
  community: 'Community',
};

export function stateLabel(state: LicenseState | PortalState | null | undefined): string {
  return state ? STATES[state] ?? state : '—';
}

export function typeLabel(type: LicenseType | null | undefined): string {
  if (!type) return '—';
  return type === 'base' ? 'Base' : 'Plus';
}

/** The title of an edition or module in the default catalog, else its id. */
export function itemTitle(item: string | null | undefined): string {
  return item ? catalog.title('item', item) : '—';
}

/** "Hosts: 100, VMware CPUs: 32", or "—" without quota. */
export function formatQuota(quota: Record<string, number> | null | undefined): string {
  const entries = Object.entries(quota ?? {});
  if (entries.length === 0) return '—';
  return entries.map(([metric, n]) => `${catalog.title('metric', metric)}: ${n.toLocaleString()}`).join(', ');
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
