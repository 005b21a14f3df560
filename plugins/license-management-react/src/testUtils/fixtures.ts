import type {
  LicenseException,
  LicenseRecord,
  LicenseStatus,
  LicenseView,
} from '@backstage-licensing/plugin-license-management-common';

export const DAY_MS = 86_400_000;
export const KEY_ID = 'ABCDE-FGHIJ-KLMNO-PQRST';
const iso = (ms: number) => new Date(ms).toISOString();

/** A license as `/licenses` returns it: by default a valid Base, issued 30 days ago, for a year. */
export function aLicense(overrides: Partial<LicenseView> = {}): LicenseView {
  const now = Date.now();
  return {
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
    usbKey: { status: 'missing', keyId: null, enabled: false },
    server: { status: 'not-configured', url: null },
    evaluatedAt: iso(Date.now()),
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
    quotas: [
      { metric: 'hosts', title: 'Hosts', authorized: 100, used: 42, exceeded: false },
      { metric: 'vmware-cpus', title: 'VMware CPUs', authorized: 32, used: 8, exceeded: false },
    ],
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
  const base = aLicense({ expiresAt: iso(Date.now() + (daysLeft - 0.5) * DAY_MS) });
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
    quotas: [{ metric: 'hosts', title: 'Hosts', authorized: 100, used: 130, exceeded: true }],
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
