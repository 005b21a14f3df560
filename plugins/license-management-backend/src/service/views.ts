import {
  daysLeftOf,
  degradedBy,
  USB_KEY_DISABLED_VIEW,
  isDeletable,
  isExpiringSoon,
  validThroughOf,
  type Evaluation,
  type InstalledLicense,
  type LicenseCatalog,
  type LicenseCatalogDefinition,
  type LicenseState,
  type LicenseStatus,
  type LicenseServerView,
  type LicenseView,
  type QuotaView,
  type UsageReport,
  type UsageView,
  type UsbKeyView,
} from '@backstage-licensing/plugin-license-management-common';
import type { UsageReportRow } from '../database/LicenseStore';
import type { LicenseSnapshot } from './LicenseSnapshot';

/** A time that is not one (an edited column of a tampered row) shows as the epoch. */
const safeMs = (ms: number) => (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? ms : 0);
const iso = (ms: number) => new Date(safeMs(ms)).toISOString();

/**
 * A license as the API shows it, with what the page needs decided here:
 * `deletable` (isDeletable), `validThrough`, `daysLeft` and `expiringSoon`
 * (what LICENSE_EXPIRING warns of), judged on `evaluation`.
 */
export function licenseView(
  l: InstalledLicense,
  state: LicenseState,
  evaluation: Evaluation,
  catalog: LicenseCatalog,
): LicenseView {
  const trusted = state !== 'tampered';
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
    deletable: isDeletable(l, state),
    uploadedAt: iso(l.uploadedAt),
    validThrough: validThroughOf(safeMs(l.expiresAt)),
    // A tampered row claims its times: nothing is judged on them.
    daysLeft: trusted ? daysLeftOf(l, evaluation) : null,
    expiringSoon: trusted && isExpiringSoon(l, evaluation),
  };
}

/** Every stored license, trusted or tampered, in upload order. */
export function licenseViews(s: LicenseSnapshot): LicenseView[] {
  const evaluation = s.localEvaluation();
  const { catalog } = s.options;
  const all = [
    ...s.licenses.map(l => ({ seq: l.uploadSeq, view: licenseView(l, evaluation.states.get(l.id)!, evaluation, catalog) })),
    ...s.tampered.map(t => ({ seq: t.row.uploadSeq, view: licenseView(t.row, 'tampered', evaluation, catalog) })),
  ];
  return all.sort((a, b) => a.seq - b.seq).map(x => x.view);
}

/** The views of licenses by id, as they stand now; ids not installed are left out. */
export function licenseViewsById(s: LicenseSnapshot): (ids: readonly string[]) => LicenseView[] {
  const all = new Map(licenseViews(s).map(v => [v.id, v]));
  return ids => ids.flatMap(id => all.get(id) ?? []);
}

/** Each reporter's share of each metric, largest first (then by reporter). */
export function reportsByMetric(rows: readonly UsageReportRow[]): Map<string, UsageReport[]> {
  const byMetric = new Map<string, UsageReport[]>();
  const sorted = [...rows].sort((a, b) => b.used - a.used || (a.reporter < b.reporter ? -1 : a.reporter > b.reporter ? 1 : 0));
  for (const r of sorted) {
    const list = byMetric.get(r.metric) ?? [];
    list.push({ reporter: r.reporter, used: r.used, reportedAt: iso(r.reportedAt) });
    byMetric.set(r.metric, list);
  }
  return byMetric;
}

export function quotaViews(
  evaluation: Evaluation,
  catalog: LicenseCatalog,
  reports: ReadonlyMap<string, UsageReport[]>,
): QuotaView[] {
  return evaluation.quotas.map(q => ({
    ...q,
    title: catalog.title('metric', q.metric),
    reporters: reports.get(q.metric) ?? [],
  }));
}

/** `GET /usage`: every catalog metric, its use, its quota in force (null when none) and who reported. */
export function usageViews(s: LicenseSnapshot): UsageView[] {
  const evaluation = s.evaluation();
  const { catalog } = s.options;
  const reports = reportsByMetric(s.usageReports);
  const quotas = new Map(evaluation.quotas.map(q => [q.metric, q]));
  return catalog.metricIds.map(metric => {
    // Quota claims are positive integers: 0 authorized means no license in force grants the metric.
    const authorized = quotas.get(metric)?.authorized ?? 0;
    return {
      metric,
      title: catalog.title('metric', metric),
      used: s.usage[metric] ?? 0,
      authorized: authorized > 0 ? authorized : null,
      reporters: reports.get(metric) ?? [],
    };
  });
}

/** `GET /status`: the whole picture, judged now. */
export function statusView(
  s: LicenseSnapshot,
  info: { productVersion: string; keyId: string; catalog: LicenseCatalogDefinition; usbKey?: UsbKeyView; server?: LicenseServerView },
): LicenseStatus {
  const evaluation = s.evaluation();
  const { catalog, clock } = s.options;
  const base = evaluation.base ?? evaluation.lastExpiredBase;
  return {
    edition: evaluation.edition,
    editionTitle: evaluation.edition === 'community' ? 'Community' : catalog.title('item', evaluation.edition),
    state: evaluation.state,
    method: base?.method ?? null,
    productVersion: info.productVersion,
    keyId: info.keyId,
    base: base ? licenseView(base, evaluation.states.get(base.id)!, evaluation, catalog) : null,
    plus: [...evaluation.plus.values()].map(l => licenseView(l, 'valid', evaluation, catalog)),
    quotas: quotaViews(evaluation, catalog, reportsByMetric(s.usageReports)),
    exceptions: [...evaluation.exceptions],
    degradedBy: degradedBy(evaluation),
    usbKey: info.usbKey ?? USB_KEY_DISABLED_VIEW,
    server:
      info.server && info.server.status !== 'not-configured'
        ? info.server
        : { status: s.serving ? 'serving' : 'not-configured', url: null, lastContactAt: null, graceUntil: null, message: null },
    evaluatedAt: new Date(clock()).toISOString(),
    catalog: info.catalog,
  };
}
