import type { LicenseCatalog } from './catalog';
import type { Evaluation } from './evaluate';
import { DAY_MS, validThroughOf } from './lists';

/**
 * How many days before a slot (the Base, or a Plus module) runs out of valid
 * licenses the admins are told: one notice per slot and threshold.
 */
export const LICENSE_NOTICE_THRESHOLD_DAYS: readonly number[] = [30, 15, 7, 1];

export type LicenseNoticeSeverity = 'critical' | 'high' | 'normal';

/** What a notice is about. */
export type LicenseNoticeKind = 'expiring' | 'expired' | 'quota' | 'exception';

/** Something the license admins should be told, e.g. as a Backstage notification. */
export interface LicenseNotice {
  /**
   * Stable per subject (slot, metric or exception code) and threshold: the
   * same situation always gives the same scope, so that sending it again
   * updates the earlier notification instead of adding one.
   */
  scope: string;
  kind: LicenseNoticeKind;
  /** The exception code the notice stands for (LICENSE_EXPIRING for `expiring`). */
  code: string;
  severity: LicenseNoticeSeverity;
  title: string;
  description: string;
  /** `expiring` and `expired`: the slot, 'base' or a module id. */
  slot?: string;
  /** `expiring`: the threshold reached, in days. */
  thresholdDays?: number;
  /** `quota`: the metric. */
  metric?: string;
}

const SCOPE = 'license-management';

/** Faults read from `exceptions[]`: a title and a severity per code; other codes get a generic one. */
const FAULTS: Record<string, { title: string; severity: LicenseNoticeSeverity }> = {
  USB_KEY_MISSING: { title: 'The USB license key is missing', severity: 'critical' },
  USB_KEY_FAULT: { title: 'The USB license key cannot be read', severity: 'high' },
  USB_KEY_ABNORMAL: { title: 'The USB license key is in an abnormal state', severity: 'high' },
  LICENSE_SERVER_DISCONNECTED: { title: 'The license server cannot be reached', severity: 'high' },
  CLOCK_ROLLBACK: { title: 'The system clock is behind: licenses are not trusted', severity: 'critical' },
  LICENSE_TAMPERED: { title: 'Stored license data no longer matches its signed token', severity: 'critical' },
};

/** Codes with notices of their own; every other exception is a fault. */
const NOT_FAULTS = new Set(['LICENSE_EXPIRING', 'LICENSE_EXPIRED', 'QUOTA_EXCEEDED']);

/**
 * The notices that follow from an evaluation, at its instant (`evaluation.at`):
 *
 * - `expiring`: per slot in force, the smallest threshold (30, 15, 7, 1 days)
 *   that its coverage end (renewals already loaded count, as for
 *   LICENSE_EXPIRING) lies within; normal at 30 and 15 days, high at 7 and 1;
 * - `expired`: the Base (LICENSE_EXPIRED, critical) and each Plus module with
 *   no license in force and one expired (high);
 * - `quota`: each QUOTA_EXCEEDED metric (critical: features are denied);
 * - `exception`: every other exception (USB key, license server, clock,
 *   tampering, and codes added later), with its message.
 *
 * Pure: the same evaluation gives the same notices, in the same order.
 */
export function licenseNotices(
  evaluation: Evaluation,
  catalog: LicenseCatalog,
  options: { thresholdDays?: readonly number[] } = {},
): LicenseNotice[] {
  const thresholds = [...(options.thresholdDays ?? LICENSE_NOTICE_THRESHOLD_DAYS)].sort((a, b) => a - b);
  const notices: LicenseNotice[] = [];
  const slotName = (slot: string) =>
    slot === 'base'
      ? `The ${catalog.title('item', evaluation.base?.item ?? evaluation.edition)} Base license`
      : `The ${catalog.title('item', slot)} Plus license`;

  for (const [slot, end] of [...evaluation.coverageEnds].sort(bySlot)) {
    const left = end - evaluation.at;
    const threshold = thresholds.find(days => left <= days * DAY_MS);
    if (threshold === undefined) continue;
    notices.push({
      scope: `${SCOPE}:slot:${slot}:expiring:${threshold}`,
      kind: 'expiring',
      code: 'LICENSE_EXPIRING',
      severity: threshold <= 7 ? 'high' : 'normal',
      title: `${slotName(slot)} runs out within ${threshold} day${threshold === 1 ? '' : 's'}`,
      description: `Its last valid day is ${validThroughOf(end)} (UTC), counting the renewals already uploaded. Upload a renewal on the License Management page to avoid an interruption.`,
      slot,
      thresholdDays: threshold,
    });
  }

  for (const e of evaluation.exceptions) {
    if (e.code === 'LICENSE_EXPIRED') {
      notices.push({
        scope: `${SCOPE}:slot:base:expired`,
        kind: 'expired',
        code: e.code,
        severity: 'critical',
        title: `The ${catalog.title('item', evaluation.edition)} Base license has expired`,
        description: e.message,
        slot: 'base',
      });
    }
  }
  for (const slot of [...evaluation.expiredModules].sort()) {
    notices.push({
      scope: `${SCOPE}:slot:${slot}:expired`,
      kind: 'expired',
      code: 'LICENSE_EXPIRED',
      severity: 'high',
      title: `${slotName(slot)} has expired`,
      description: `The features of ${catalog.title('item', slot)} are unavailable until a new license for it is uploaded on the License Management page.`,
      slot,
    });
  }

  for (const e of evaluation.exceptions) {
    if (e.code === 'QUOTA_EXCEEDED' && e.metric) {
      notices.push({
        scope: `${SCOPE}:quota:${e.metric}`,
        kind: 'quota',
        code: e.code,
        severity: 'critical',
        title: `Quota exceeded: ${catalog.title('metric', e.metric)}`,
        description: e.message,
        metric: e.metric,
      });
    } else if (!NOT_FAULTS.has(e.code)) {
      const fault = FAULTS[e.code] ?? { title: `License exception ${e.code}`, severity: 'high' };
      // One notification per subject: the slot, the metric or the license (LICENSE_TAMPERED).
      const subject = e.slot ?? e.metric ?? (e as { licenseId?: string }).licenseId;
      notices.push({
        scope: `${SCOPE}:exception:${e.code}${subject ? `:${subject}` : ''}`,
        kind: 'exception',
        code: e.code,
        severity: fault.severity,
        title: fault.title,
        description: e.message,
        ...(e.slot ? { slot: e.slot } : {}),
        ...(e.metric ? { metric: e.metric } : {}),
      });
    }
  }
  return notices;
}

/** The Base first, then modules by id. */
function bySlot([a]: [string, number], [b]: [string, number]): number {
  if (a === b) return 0;
  if (a === 'base') return -1;
  if (b === 'base') return 1;
  return a < b ? -1 : 1;
}
