import type {
  Evaluation,
  InstalledLicense,
  LicenseCatalog,
  LicenseState,
  LicenseView,
  QuotaView,
} from '@backstage-licensing/plugin-license-management-common';

/** ISO-8601; a time that is not one (an edited column of a tampered row) shows as the epoch. */
const iso = (ms: number) => new Date(Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? ms : 0).toISOString();

/** A license as the API shows it. */
export function licenseView(
  l: InstalledLicense,
  state: LicenseState,
  catalog: LicenseCatalog,
): LicenseView {
  return {
    id: l.id,
    type: l.type,
    item: l.item,
    title: catalog.title('item', l.item),
    method: l.method,
    keyId: l.keyId,
    issuer: l.issuer,
    customer: l.customer ?? null,
    state,
    issuedAt: iso(l.issuedAt),
    notBefore: l.notBefore !== undefined ? iso(l.notBefore) : null,
    expiresAt: iso(l.expiresAt),
    quota: l.quota,
    deletable: l.type === 'plus' && l.method !== 'usb-key',
    uploadedAt: iso(l.uploadedAt),
  };
}

export function quotaViews(evaluation: Evaluation, catalog: LicenseCatalog): QuotaView[] {
  return evaluation.quotas.map(q => ({ ...q, title: catalog.title('metric', q.metric) }));
}
