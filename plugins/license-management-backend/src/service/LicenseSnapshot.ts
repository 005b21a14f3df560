import {
  evaluateClientSite,
  evaluateLicenses,
  type CheckResult,
  type Evaluation,
  type EvaluationInput,
  type LicenseCatalog,
} from '@backstage-licensing/plugin-license-management-common';
import type { VendorKeyring } from '@backstage-licensing/plugin-license-management-node';
import { type LicenseStore, type StoredLicense, type UsageReportRow, usageTotals } from '../database/LicenseStore';
import { HighWaterMark } from './highWater';
import { type TamperedRow, VerifiedTokens, verifyStoredLicenses } from './storedLicenses';
import type { UsbKeyState } from '../usbKey/UsbKeyWatcher';
import type { LeaseClientState } from '../leaseClient/LeaseClient';

export interface SnapshotOptions {
  store: LicenseStore;
  catalog: LicenseCatalog;
  vendorKeys: VendorKeyring;
  /** This installation's Key ID, derived from its key. */
  installationKeyId: string;
  clock: () => number;
  monotonic: () => number;
  expiryWarningDays?: number;
  rollbackToleranceMs?: number;
  logger: { warn(m: string, e?: Error): void };
  /** The USB key, when USB key licensing is enabled: usb-key licenses count only while their key does. */
  usbKeyState?: UsbKeyState;
  /** A client site: while server licensing is on, the lease is evaluated instead of the local licenses (evaluateClientSite). */
  leaseState?: LeaseClientState;
}

/**
 * What one replica holds in memory: the trusted licenses, the tampered rows,
 * usage, the clock high-water mark, and the evaluation of them (cached until
 * its `validUntil`). Every answer of status and check is read from here; no
 * I/O, no crypto.
 */
export class LicenseSnapshot {
  /** Licenses whose token verified and whose columns agree with it: the only ones judged. */
  licenses: StoredLicense[] = [];
  /** Stored rows that are not trusted (state `tampered`, LICENSE_TAMPERED). */
  tampered: TamperedRow[] = [];
  /** Current use per metric: the sum of the reports. */
  usage: Record<string, number> = {};
  /** Each reporter's last report. */
  usageReports: UsageReportRow[] = [];
  /** On a license server: the quota leased to client sites now, per metric (sharing/LeaseServer). */
  leased: Record<string, number> = {};
  /** License sharing is on: this portal is a license server (`/status.server.status` is `serving`). */
  serving = false;
  revision = -1;
  /** The clock high-water mark as last read or raised. */
  highWater = 0;
  readonly mark = new HighWaterMark();
  readonly verifiedTokens = new VerifiedTokens();
  /** Feature decisions of the cached evaluation, shared by every caller. */
  readonly decisions = new Map<string, CheckResult>();
  private cached?: Evaluation;
  private readonly listeners = new Set<(revision: number) => void>();

  constructor(readonly options: SnapshotOptions) {
    // Every USB judgement may change which usb-key licenses count; a change people see is signalled.
    options.usbKeyState?.onJudged(changed => {
      this.invalidate();
      if (changed) for (const listener of this.listeners) listener(this.revision);
    });
    // A renewal moves graceUntil (the lease's licenses end there); a change people see is signalled.
    options.leaseState?.onChange(shown => {
      this.invalidate();
      if (shown) for (const listener of this.listeners) listener(this.revision);
    });
  }

  /**
   * Reads licenses, usage and the high-water mark, and verifies every stored
   * license again (PRODUCT.md §2.1): only licenses whose token verifies and
   * whose columns agree with it are judged; the rest are `tampered`. Tokens
   * this process verified before are not verified twice, unless `fresh`.
   */
  async load(revision: number, fresh: boolean): Promise<void> {
    const { store, logger } = this.options;
    const [rows, reports, highWater] = await Promise.all([
      store.listLicenses(),
      store.getUsageReports(),
      store.getHighWater(),
    ]);
    const { licenses, tampered } = await verifyStoredLicenses(
      rows,
      { vendorKeys: this.options.vendorKeys, catalog: this.options.catalog, installationKeyId: this.options.installationKeyId },
      this.verifiedTokens,
      { fresh },
    );
    for (const t of tampered) {
      if (!this.tampered.some(known => known.id === t.id && known.reason === t.reason)) {
        logger.warn(`Stored license '${t.id}' is not trusted: ${t.reason}`);
      }
    }
    if (highWater < this.highWater) {
      // An admin acknowledged a clock fault (on this replica or another): start counting from there.
      this.mark.anchorAt(highWater, this.options.clock(), this.options.monotonic());
    }
    this.highWater = highWater;
    this.licenses = licenses;
    this.tampered = tampered;
    this.usageReports = reports;
    this.usage = usageTotals(reports);
    this.revision = revision;
    this.invalidate();
    for (const listener of this.listeners) listener(revision);
  }

  /**
   * Calls `listener` with the store revision now, then after every load of
   * the snapshot. It must not throw.
   */
  onChange(listener: (revision: number) => void): () => void {
    this.listeners.add(listener);
    listener(this.revision);
    return () => void this.listeners.delete(listener);
  }

  invalidate(): void {
    this.cached = undefined;
    this.decisions.clear();
  }

  /** The instant licenses are judged at: the clock, or the high-water mark when the clock is behind it. */
  trustedNow(now = this.options.clock()): number {
    return Math.max(now, this.highWater);
  }

  /** The evaluation at the current instant; recomputed only when it may have changed. */
  evaluation(): Evaluation {
    const now = this.options.clock();
    const cached = this.cached;
    if (cached && now < cached.validUntil && now >= cached.at - 1000) return cached;
    const evaluation = evaluateClientSite(this.evaluationInput(now), this.options.leaseState?.state());
    this.cached = { ...evaluation, validUntil: Math.min(evaluation.validUntil, now + 60_000) };
    this.decisions.clear();
    return this.cached;
  }

  /**
   * The installed licenses judged now: the evaluation, or, while a lease
   * licenses the site instead, the local licenses by themselves (their
   * states on `GET /licenses`; they count again when server licensing is off).
   */
  localEvaluation(): Evaluation {
    const state = this.options.leaseState?.state();
    return !state || state.status === 'not-configured' ? this.evaluation() : this.evaluateAt(this.options.clock());
  }

  /** The licenses judged at `now` (the high-water mark applies): as they stand, or as a change would leave them. */
  evaluateAt(now: number, licenses: readonly StoredLicense[] = this.licenses, tampered: readonly TamperedRow[] = this.tampered): Evaluation {
    return evaluateLicenses(this.evaluationInput(now, licenses, tampered));
  }

  evaluationInput(
    now: number,
    licenses: readonly StoredLicense[] = this.licenses,
    tampered: readonly TamperedRow[] = this.tampered,
  ): EvaluationInput {
    return {
      licenses,
      tampered,
      catalog: this.options.catalog,
      now,
      usage: this.usage,
      leased: this.leased,
      expiryWarningDays: this.options.expiryWarningDays,
      highWaterMark: this.highWater,
      rollbackToleranceMs: this.options.rollbackToleranceMs,
      usbKey: this.options.usbKeyState?.counting(),
    };
  }

  /** The next upload order: after every stored row, trusted or not. */
  nextUploadSeq(): number {
    return [...this.licenses, ...this.tampered.map(t => t.row)].reduce((m, l) => Math.max(m, l.uploadSeq), 0) + 1;
  }
}
