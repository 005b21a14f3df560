import {
  DAY_MS,
  DEGRADING_EXCEPTIONS,
  defaultLicenseCatalog,
  validThroughOf,
  type LicenseException,
  type LicenseRecord,
  type LicenseServerView,
  type LicenseStatus,
  type LicenseView,
  type QuotaView,
  type UsageReport,
} from '@backstage-licensing/plugin-license-management-common';
import type { SharingPoolItem, SharingSite } from '../api/serverLicensing';

export { DAY_MS };
export const KEY_ID = 'ABCDE-FGHIJ-KLMNO-PQRST';
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A license as `/licenses` returns it: by default a valid Base, issued 30 days
 * ago, for a year. `validThrough` and `daysLeft` follow `expiresAt` as the
 * server computes them unless given; `expiringSoon` is false unless given
 * (the server judges it, with renewals and the configured warning days).
 */
export function aLicense(overrides: Partial<LicenseView> = {}): LicenseView {
  const now = Date.now();
  const view: Omit<LicenseView, 'validThrough' | 'daysLeft' | 'expiringSoon'> & Partial<LicenseView> = {
    id: 'lic-base-1',
    type: 'base',
    item: 'enterprise-prepaid',
    title: 'Enterprise Prepaid',
    method: 'request-key',
    keyId: KEY_ID,
    issuer: 'demo-vendor',
    customer: 'Example Corp',
    state: 'valid',
    issuedAt: iso(now - 30 * DAY_MS),
    notBefore: null,
    expiresAt: iso(now + 365 * DAY_MS),
    quota: { hosts: 100 },
    deletable: false,
    uploadedAt: iso(now - 30 * DAY_MS),
    ...overrides,
  };
  const left = Date.parse(view.expiresAt) - now;
  return {
    ...view,
    validThrough: overrides.validThrough ?? validThroughOf(view.expiresAt),
    daysLeft:
      overrides.daysLeft !== undefined ? overrides.daysLeft : view.state === 'expired' || left <= 0 ? null : Math.floor(left / DAY_MS),
    expiringSoon: overrides.expiringSoon ?? false,
  };
}

/** A quota line of `/status`, with who reported the use (by default one provider reported all of it). */
export function aQuota(
  metric: string,
  title: string,
  authorized: number,
  used: number,
  reporters: UsageReport[] = [{ reporter: 'provider:catalog', used, reportedAt: iso(Date.now() - 60_000) }],
): QuotaView {
  return { metric, title, authorized, used, leased: 0, exceeded: used > authorized, reporters };
}

export function aPlusLicense(overrides: Partial<LicenseView> = {}): LicenseView {
  return aLicense({
    id: 'lic-vmware-1',
    type: 'plus',
    item: 'vmware',
    title: 'VMware Management',
    quota: { 'vmware-cpus': 32 },
    deletable: true,
    ...overrides,
  });
}

/** `/status.usbKey`: by default USB key licensing is off. */
export function aUsbKey(overrides: Partial<LicenseStatus['usbKey']> = {}): LicenseStatus['usbKey'] {
  return {
    status: 'missing',
    keyId: null,
    enabled: false,
    nodes: [],
    message: 'USB key licensing is not enabled on this portal.',
    presentKeys: [],
    faultSince: null,
    bufferEndsAt: null,
    scannedAt: null,
    pollIntervalSeconds: 2,
    ...overrides,
  };
}

/** A community portal: no Base license. */
export function communityStatus(overrides: Partial<LicenseStatus> = {}): LicenseStatus {
  return {
    edition: 'community',
    editionTitle: 'Community',
    state: 'community',
    method: null,
    productVersion: '1.0.0',
    keyId: KEY_ID,
    base: null,
    plus: [],
    quotas: [],
    exceptions: [],
    usbKey: aUsbKey(),
    server: { status: 'not-configured', url: null, lastContactAt: null, graceUntil: null, message: null },
    evaluatedAt: iso(Date.now()),
    catalog: defaultLicenseCatalog,
    // As the server decides it (degradedBy() in -common), from the exceptions given.
    degradedBy: DEGRADING_EXCEPTIONS.filter(code => (overrides.exceptions ?? []).some(e => e.code === code)),
    ...overrides,
  };
}

/** A valid Enterprise Prepaid portal with VMware Management. */
export function validStatus(overrides: Partial<LicenseStatus> = {}): LicenseStatus {
  return communityStatus({
    edition: 'enterprise-prepaid',
    editionTitle: 'Enterprise Prepaid',
    state: 'valid',
    method: 'request-key',
    base: aLicense(),
    plus: [aPlusLicense()],
    quotas: [aQuota('hosts', 'Hosts', 100, 42), aQuota('vmware-cpus', 'VMware CPUs', 32, 8)],
    ...overrides,
  });
}

export function expiringException(daysLeft: number): LicenseException {
  return {
    code: 'LICENSE_EXPIRING',
    message: `The Enterprise Prepaid Base license expires in ${daysLeft} days (last valid day 2030-01-01, UTC). Upload a renewal to avoid an interruption.`,
    slot: 'base',
    daysLeft,
    expiresAt: iso(Date.now() + daysLeft * DAY_MS),
  };
}

export function expiringStatus(daysLeft = 10): LicenseStatus {
  const base = aLicense({ expiresAt: iso(Date.now() + (daysLeft + 0.5) * DAY_MS), daysLeft, expiringSoon: true });
  return validStatus({ base, exceptions: [expiringException(daysLeft)] });
}

export function expiredStatus(): LicenseStatus {
  const base = aLicense({ state: 'expired', issuedAt: iso(Date.now() - 400 * DAY_MS), expiresAt: iso(Date.now() - 2 * DAY_MS) });
  return communityStatus({
    edition: 'enterprise-prepaid',
    editionTitle: 'Enterprise Prepaid',
    state: 'expired',
    method: 'request-key',
    base,
    exceptions: [
      {
        code: 'LICENSE_EXPIRED',
        message:
          'The Enterprise Prepaid Base license has expired (its last valid day was 2024-01-01, UTC). Upload a new license on the License Management page.',
        slot: 'base',
        expiresAt: base.expiresAt,
      },
    ],
  });
}

export function quotaExceededStatus(): LicenseStatus {
  return validStatus({
    quotas: [
      aQuota('hosts', 'Hosts', 100, 130, [
        { reporter: 'provider:catalog', used: 100, reportedAt: '2030-01-02T09:30:00.000Z' },
        { reporter: 'user:default/ops-bot', used: 30, reportedAt: '2030-01-02T10:15:00.000Z' },
      ]),
    ],
    exceptions: [
      {
        code: 'QUOTA_EXCEEDED',
        message:
          'Hosts: 130 in use, 100 authorized. Most features are unavailable until a license with a larger quota is installed or use drops.',
        metric: 'hosts',
      },
    ],
  });
}

/** `count` records, newest first, numbered from `from`. */
export function someRecords(count: number, from = 0): LicenseRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: String(1000 - from - i),
    time: iso(Date.now() - (from + i) * 60_000),
    action: 'upload',
    licenseId: `lic-${from + i}`,
    type: 'plus',
    item: 'backup',
    method: 'request-key',
    quota: {},
    state: 'valid',
    issuedAt: iso(Date.now() - DAY_MS),
    expiresAt: iso(Date.now() + 300 * DAY_MS),
    actor: 'user:development/guest',
    detail: null,
  }));
}

/** A portal's own catalog (`licenseManagement.catalog`): titles the default catalog does not have. */
export const customCatalog: LicenseStatus['catalog'] = {
  editions: [{ id: 'starter', title: 'Starter Edition', features: ['dashboards'], metrics: ['seats'] }],
  modules: [{ id: 'insights', title: 'Insights Add-on', features: ['reports'], metrics: ['insight-runs'] }],
  metrics: [
    { id: 'seats', title: 'Named seats' },
    { id: 'insight-runs', title: 'Insight runs' },
  ],
  features: [
    { id: 'dashboards', title: 'Team dashboards' },
    { id: 'reports', title: 'Scheduled reports' },
  ],
  essentialFeatures: ['license-management'],
};

/** A valid portal running `customCatalog`: Starter Edition with the Insights Add-on. */
export function customCatalogStatus(): LicenseStatus {
  const base = aLicense({ id: 'lic-starter', item: 'starter', title: 'Starter Edition', quota: { seats: 25 } });
  const plus = aPlusLicense({ id: 'lic-insights', item: 'insights', title: 'Insights Add-on', quota: { 'insight-runs': 500 } });
  return validStatus({
    edition: 'starter',
    editionTitle: 'Starter Edition',
    base,
    plus: [plus],
    quotas: [aQuota('seats', 'Named seats', 25, 12), aQuota('insight-runs', 'Insight runs', 500, 40)],
    catalog: customCatalog,
  });
}

/** A USB key plugged into management node `node-a` and read: `ready`. */
export function readyUsbKey(overrides: Partial<LicenseStatus['usbKey']> = {}): LicenseStatus['usbKey'] {
  const seenAt = iso(Date.now() - 1_000);
  return aUsbKey({
    status: 'ready',
    keyId: 'USBKEY-0001',
    enabled: true,
    nodes: [
      { node: 'node-a', keys: ['USBKEY-0001'], faults: [], available: true, reason: null, seenAt },
      { node: 'node-b', keys: [], faults: [], available: true, reason: null, seenAt },
    ],
    message: 'USB key USBKEY-0001 is plugged into node-a and read: licenses bound to it are in force.',
    presentKeys: ['USBKEY-0001'],
    scannedAt: seenAt,
    ...overrides,
  });
}

/**
 * `/status.server`. A client site connected to a license server by default;
 * the status carries the fields of a client-site backend (last contact,
 * grace, message).
 */
export function aServer(overrides: Partial<LicenseServerView> = {}): LicenseServerView {
  return {
    status: 'connected',
    url: 'http://licenses.example.com:7007',
    lastContactAt: iso(Date.now() - 10_000),
    graceUntil: null,
    message: 'Connected to the license server at http://licenses.example.com:7007: this portal runs on leased quota.',
    ...overrides,
  };
}

/** A license server: Enterprise Prepaid serving client sites, 20 hosts leased. */
export function servingStatus(): LicenseStatus {
  return validStatus({
    quotas: [{ ...aQuota('hosts', 'Hosts', 100, 42), leased: 20 }, aQuota('vmware-cpus', 'VMware CPUs', 32, 8)],
    server: aServer({ status: 'serving', url: null, lastContactAt: null, message: 'This portal is a license server: it shares its quota with 2 client sites.' }),
  });
}

/** `GET /sharing/pool` of {@link servingStatus}. */
export function aPool(): SharingPoolItem[] {
  return [
    { metric: 'hosts', authorized: 100, usedLocally: 42, leased: 20, available: 38 },
    { metric: 'vmware-cpus', authorized: 32, usedLocally: 8, leased: 0, available: 24 },
  ];
}

/** `GET /sharing/sites`: one site with a lease, one registered and never seen. */
export function someSites(): SharingSite[] {
  return [
    {
      id: 'site-1',
      name: 'Branch office',
      createdAt: iso(Date.now() - 3 * DAY_MS),
      lastSeenAt: iso(Date.now() - 15_000),
      lease: { modules: ['vmware'], quota: { hosts: 20 }, expiresAt: iso(Date.now() + 45_000) },
    },
    { id: 'site-2', name: 'Lab', createdAt: iso(Date.now() - DAY_MS), lastSeenAt: null, lease: null },
  ];
}
