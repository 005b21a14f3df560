import type { LicenseCatalog } from './catalog';
import type {
  InstalledLicense,
  LicenseException,
  LicenseState,
  PortalState,
} from './types';

import { DAY_MS, validThroughOf } from './lists';
import { isExpiredAt, isPendingAt, slotOf } from './slots';
import { countingKeysAt, usbKeyException, type UsbKeyCounting } from './usbKey';

export interface EvaluationInput {
  licenses: readonly InstalledLicense[];
  catalog: LicenseCatalog;
  /** The system clock, in ms. */
  now: number;
  /** Current use per quota metric. */
  usage?: Readonly<Record<string, number>>;
  /**
   * On a license server: the quota leased to client sites per metric. It
   * counts with the use against what is authorized (QUOTA_EXCEEDED), and is
   * shown apart from it (`QuotaFigure.leased`).
   */
  leased?: Readonly<Record<string, number>>;
  /** Warn when a slot runs out within this many days. Default 15. */
  expiryWarningDays?: number;
  /** The latest time this installation has seen, in ms. */
  highWaterMark?: number;
  /** How far the clock may be behind the high-water mark unnoticed. Default 10 minutes. */
  rollbackToleranceMs?: number;
  /**
   * Stored licenses whose row does not match their signed token (or whose
   * token no longer verifies): never in force, state `tampered`, one
   * LICENSE_TAMPERED exception each. Not part of `licenses`.
   */
  tampered?: readonly TamperedLicense[];
  /**
   * The USB key, when USB key licensing is enabled (judgeUsbKey): a
   * `usb-key` license is in force only while its key (`sub`) counts;
   * otherwise it is `key-missing` and the other licenses of its slot hold
   * it. Undefined (disabled): no USB key counts, and no USB exception.
   */
  usbKey?: UsbKeyCounting;
}

/** A stored license that is not trusted, and why. */
export interface TamperedLicense {
  id: string;
  /** What does not match, in words a person can act on. */
  reason: string;
}

export interface QuotaFigure {
  metric: string;
  authorized: number;
  used: number;
  /** Leased to client sites (a license server); 0 elsewhere. */
  leased: number;
  exceeded: boolean;
}

/** Everything that follows from the installed licenses at one instant. */
export interface Evaluation {
  /** The instant licenses were judged at: the clock, or the high-water mark if the clock is behind. */
  at: number;
  states: ReadonlyMap<string, LicenseState>;
  /** The Base in force. */
  base?: InstalledLicense;
  /** When no Base is in force: the Base that expired last. */
  lastExpiredBase?: InstalledLicense;
  /** The Plus license in force per module. */
  plus: ReadonlyMap<string, InstalledLicense>;
  /** Modules with no license in force and at least one expired. */
  expiredModules: ReadonlySet<string>;
  /** Per slot without a license in force: when its earliest pending license starts. */
  pendingStarts: ReadonlyMap<string, number>;
  /**
   * Per slot with a license in force: the instant (ms) it will have no valid
   * license, counting renewals already loaded (what LICENSE_EXPIRING warns of).
   */
  coverageEnds: ReadonlyMap<string, number>;
  state: PortalState;
  edition: string;
  quotas: readonly QuotaFigure[];
  exceptions: readonly LicenseException[];
  clockRollback: boolean;
  /**
   * The evaluation holds until this instant (ms): the next instant at which a
   * license state, the portal state or an exception (a warning starting, its
   * days left dropping, a clock rollback ending) changes. Recompute at or
   * after it. Infinity when nothing will change by itself.
   */
  validUntil: number;
}

/**
 * The one place that decides which license holds each slot, the state of
 * every license, the portal state, quotas and exceptions.
 */
export function evaluateLicenses(input: EvaluationInput): Evaluation {
  const { licenses, catalog, now } = input;
  const warnMs = (input.expiryWarningDays ?? 15) * DAY_MS;
  const tolerance = input.rollbackToleranceMs ?? 10 * 60_000;
  const highWater = input.highWaterMark ?? 0;
  const clockRollback = now < highWater - tolerance;
  const at = Math.max(now, highWater);

  const states = new Map<string, LicenseState>();
  const inForce = new Map<string, InstalledLicense>();
  const bySlot = new Map<string, InstalledLicense[]>();
  let validUntil = Number.POSITIVE_INFINITY;
  const boundary = (t: number | undefined) => {
    if (t !== undefined && t > at && t < validUntil) validUntil = t;
  };

  const usbKeys = countingKeysAt(input.usbKey, at);
  boundary(input.usbKey?.countingUntil);
  // A usb-key license whose key does not count is not in force, and does not cover its slot.
  const keyMissing = (l: InstalledLicense) => l.method === 'usb-key' && !usbKeys.includes(l.keyId);
  for (const l of licenses) {
    const slot = slotOf(l);
    const list = bySlot.get(slot) ?? [];
    list.push(l);
    bySlot.set(slot, list);
    boundary(l.notBefore);
    boundary(l.expiresAt);
    if (isExpiredAt(l, at)) {
      states.set(l.id, 'expired');
    } else if (isPendingAt(l, at)) {
      states.set(l.id, 'pending');
    } else if (keyMissing(l)) {
      states.set(l.id, 'key-missing');
    } else {
      const current = inForce.get(slot);
      if (!current || l.uploadSeq > current.uploadSeq) inForce.set(slot, l);
    }
  }
  for (const l of licenses) {
    if (!states.has(l.id)) {
      states.set(l.id, inForce.get(slotOf(l)) === l ? 'valid' : 'superseded');
    }
  }
  for (const t of input.tampered ?? []) states.set(t.id, 'tampered');

  const base = inForce.get('base');
  const plus = new Map([...inForce].filter(([slot]) => slot !== 'base'));
  let lastExpiredBase: InstalledLicense | undefined;
  if (!base) {
    for (const l of bySlot.get('base') ?? []) {
      if (states.get(l.id) !== 'expired') continue;
      if (!lastExpiredBase || l.expiresAt > lastExpiredBase.expiresAt) lastExpiredBase = l;
    }
  }
  const expiredModules = new Set<string>();
  const pendingStarts = new Map<string, number>();
  for (const [slot, list] of bySlot) {
    if (inForce.has(slot)) continue;
    if (slot !== 'base' && list.some(l => states.get(l.id) === 'expired')) {
      expiredModules.add(slot);
    }
    for (const l of list) {
      if (states.get(l.id) !== 'pending' || keyMissing(l)) continue;
      const start = pendingStarts.get(slot);
      if (start === undefined || l.notBefore! < start) pendingStarts.set(slot, l.notBefore!);
    }
  }

  let state: PortalState = 'community';
  if (base) state = 'valid';
  else if (lastExpiredBase) state = 'expired';
  const edition = base?.item ?? lastExpiredBase?.item ?? 'community';

  const quotas = computeQuotas(catalog, inForce, input.usage ?? {}, input.leased ?? {});
  const exceptions: LicenseException[] = [];
  const coverageEnds = new Map<string, number>();
  if (clockRollback) {
    exceptions.push({
      code: 'CLOCK_ROLLBACK',
      message: `The system clock (${isoDate(now)}) is behind the latest time this installation has seen (${isoDate(highWater)}). Licenses are not trusted until the clock is corrected; if the clock is right now and the installation saw a wrong time earlier, an admin can acknowledge the clock fault (license-ctl clock acknowledge).`,
    });
  }
  const usbException = usbKeyException(
    input.usbKey,
    licenses.some(l => l.method === 'usb-key' && !isExpiredAt(l, at)),
  );
  if (usbException) exceptions.push(usbException);
  for (const t of input.tampered ?? []) {
    exceptions.push({
      code: 'LICENSE_TAMPERED',
      message: `Stored license '${t.id}' does not match its signed token (${t.reason}), so it is not in force. Upload its license file again to restore it, or delete it; then find out who edited the database.`,
      licenseId: t.id,
    });
  }
  if (state === 'expired' && lastExpiredBase) {
    exceptions.push({
      code: 'LICENSE_EXPIRED',
      message: `The ${catalog.title('item', edition)} Base license has expired (its last valid day was ${validThroughOf(lastExpiredBase.expiresAt)}, UTC). Upload a new license on the License Management page.`,
      slot: 'base',
      expiresAt: new Date(lastExpiredBase.expiresAt).toISOString(),
    });
  }
  for (const [slot, license] of inForce) {
    const end = coverageEnd((bySlot.get(slot) ?? []).filter(l => !keyMissing(l)), at);
    coverageEnds.set(slot, end);
    // The warning starts at `end - warnMs` itself, so that an evaluation made
    // at that validUntil sees it.
    if (end - at > warnMs) {
      boundary(end - warnMs);
      continue;
    }
    const daysLeft = Math.max(0, Math.ceil((end - at) / DAY_MS));
    // daysLeft drops by one at each whole day before the end.
    boundary(end - (daysLeft - 1) * DAY_MS);
    const what =
      slot === 'base'
        ? `The ${catalog.title('item', license.item)} Base license`
        : `The ${catalog.title('item', slot)} Plus license`;
    exceptions.push({
      code: 'LICENSE_EXPIRING',
      message: `${what} expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'} (last valid day ${validThroughOf(end)}, UTC). Upload a renewal to avoid an interruption.`,
      slot,
      expiresAt: new Date(end).toISOString(),
      daysLeft,
    });
  }
  for (const q of quotas) {
    if (!q.exceeded) continue;
    exceptions.push({
      code: 'QUOTA_EXCEEDED',
      message: `${catalog.title('metric', q.metric)}: ${q.used} in use${q.leased ? ` and ${q.leased} leased to client sites` : ''}, ${q.authorized} authorized. Most features are unavailable until a license with a larger quota is installed or use drops.`,
      metric: q.metric,
    });
  }

  // The rollback ends when the clock catches up to within the tolerance.
  if (clockRollback) validUntil = Math.min(validUntil, highWater - tolerance);

  return {
    at,
    states,
    base,
    lastExpiredBase,
    plus,
    expiredModules,
    pendingStarts,
    coverageEnds,
    state,
    edition,
    quotas,
    exceptions,
    clockRollback,
    validUntil,
  };
}

/** The instant a slot stops holding a valid license, counting renewals already loaded. */
function coverageEnd(list: readonly InstalledLicense[], at: number): number {
  let end = at;
  let extended = true;
  while (extended) {
    extended = false;
    for (const l of list) {
      if (!isPendingAt(l, end) && !isExpiredAt(l, end)) {
        end = l.expiresAt;
        extended = true;
      }
    }
  }
  return end;
}

function computeQuotas(
  catalog: LicenseCatalog,
  inForce: ReadonlyMap<string, InstalledLicense>,
  usage: Readonly<Record<string, number>>,
  leasedOut: Readonly<Record<string, number>>,
): QuotaFigure[] {
  const authorized = new Map<string, number>();
  for (const l of inForce.values()) {
    for (const [metric, n] of Object.entries(l.quota)) {
      authorized.set(metric, (authorized.get(metric) ?? 0) + n);
    }
  }
  const figures: QuotaFigure[] = [];
  for (const metric of catalog.metricIds) {
    const a = authorized.get(metric) ?? 0;
    const used = usage[metric] ?? 0;
    const leased = leasedOut[metric] ?? 0;
    if (a === 0 && used === 0 && leased === 0 && !(metric in usage)) continue;
    // Use counts against a quota only while its slot is licensed; a slot
    // without a license in force is simply not licensed.
    const slot = catalog.slotOfMetric(metric)!;
    figures.push({ metric, authorized: a, used, leased, exceeded: inForce.has(slot) && used + leased > a });
  }
  return figures;
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
