import {
  ConflictError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import {
  checkRequestProblem,
  consequencesOfChange,
  decideFeature,
  decideQuota,
  evaluateLicenses,
  type CheckRequest,
  type CheckResult,
  type Evaluation,
  type EvaluationInput,
  type LicenseCatalog,
  type LicenseStatus,
  type LicenseView,
  type RecordPage,
  type ReinstateResult,
  type UploadResult,
} from '@backstage-licensing/plugin-license-management-common';
import {
  createRequestKey,
  generateEd25519KeyPair,
  keyIdOf,
  type LocalLicenseEngine,
  type VendorKeyring,
} from '@backstage-licensing/plugin-license-management-node';
import type {
  InstallationIdentity,
  LicenseStore,
  NewRecord,
  RecordQuery,
  StoredLicense,
} from '../database/LicenseStore';
import { assertNoDemoVendorKeyInProduction } from './demoVendorKey';
import { refuseUnacknowledged } from './downgrade';
import { describeDuration, HighWaterMark } from './highWater';
import { trustedIdentity } from './identity';
import { planReinstatement } from './reinstate';
import { type TamperedRow, VerifiedTokens, verifyStoredLicenses } from './storedLicenses';
import { recordOf, replaceRecords, supersessions } from './supersession';
import { planUpload } from './upload';
import { licenseView, quotaViews } from './views';

export interface LicenseManagerOptions {
  store: LicenseStore;
  catalog: LicenseCatalog;
  vendorKeys: VendorKeyring;
  /** The clock, in ms. */
  clock?: () => number;
  /**
   * A monotonic clock, in ms (default performance.now): the time this replica
   * sees pass, which advances the clock high-water mark.
   */
  monotonic?: () => number;
  /**
   * Production refuses to start while the demo vendor key is trusted. Default:
   * NODE_ENV is 'production'.
   */
  production?: boolean;
  logger: { info(m: string): void; warn(m: string, e?: Error): void };
  productVersion: string;
  expiryWarningDays?: number;
  rollbackToleranceMs?: number;
  /** How often to look for changes made by other replicas. */
  syncIntervalMs?: number;
  portalUrl?: string;
}

/** Who did something, for the records. */
export type Actor = string;

/** A change that may downgrade the licenses in force (PRODUCT.md §2.1). */
export interface ChangeOptions {
  /** The admin accepts the consequences (`?acknowledge=true`); otherwise they are a 409. */
  acknowledge?: boolean;
}

/** The answer to an acknowledged clock fault. Times are ISO-8601. */
export interface ClockAcknowledgement {
  previousHighWaterMark: string;
  highWaterMark: string;
  status: LicenseStatus;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Holds the licenses of this installation in memory, answers status and
 * checks from that snapshot, and writes changes through the store. Replicas
 * notice each other's changes by polling the store's revision counter.
 */
export class LicenseManager implements LocalLicenseEngine {
  /** Licenses whose token verified and whose columns agree with it: the only ones judged. */
  private licenses: StoredLicense[] = [];
  /** Stored rows that are not trusted (state `tampered`, LICENSE_TAMPERED). */
  private tampered: TamperedRow[] = [];
  private readonly verifiedTokens = new VerifiedTokens();
  private usage: Record<string, number> = {};
  private revision = -1;
  private highWater = 0;
  private readonly mark = new HighWaterMark();
  private cached?: Evaluation;
  private decisions = new Map<string, CheckResult>();
  private timer?: NodeJS.Timeout;
  private syncing: Promise<void> = Promise.resolve();
  private ticks = 0;
  private listeners = new Set<(revision: number) => void>();
  readonly clock: () => number;
  private readonly monotonic: () => number;

  /**
   * Starts a replica: refuses the demo vendor key in production, reads (or
   * creates) the installation identity and checks it, then loads and verifies
   * every stored license.
   */
  static async create(options: LicenseManagerOptions): Promise<LicenseManager> {
    assertNoDemoVendorKeyInProduction(options.vendorKeys, options.production ?? process.env.NODE_ENV === 'production');
    const { privateKeyPem, publicKeyPem } = generateEd25519KeyPair();
    const clock = options.clock ?? Date.now;
    const stored = await options.store.ensureInstallation({
      keyId: keyIdOf(publicKeyPem),
      privateKeyPem,
      publicKeyPem,
      createdAt: clock(),
    });
    const manager = new LicenseManager(options, trustedIdentity(stored));
    await manager.sync(true);
    return manager;
  }

  private constructor(
    private readonly options: LicenseManagerOptions,
    private readonly identity: InstallationIdentity,
  ) {
    this.clock = options.clock ?? Date.now;
    this.monotonic = options.monotonic ?? (() => performance.now());
  }

  get keyId(): string {
    return this.identity.keyId;
  }

  get catalog(): LicenseCatalog {
    return this.options.catalog;
  }

  /** Starts polling for other replicas' changes. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.sync(false).catch(e => this.options.logger.warn('License sync failed', e));
    }, this.options.syncIntervalMs ?? 2000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Calls `listener` with the store revision now, then after every reload of
   * the snapshot (a change here or on another replica, a reload). It must not throw.
   */
  onChange(listener: (revision: number) => void): () => void {
    this.listeners.add(listener);
    listener(this.revision);
    return () => void this.listeners.delete(listener);
  }

  /**
   * Reloads from the store when it changed (or when forced), records expiries
   * and raises the clock high-water mark about once a minute.
   */
  sync(force: boolean): Promise<void> {
    // Forced (start, POST /reload): every stored token is verified again.
    return this.serialized(() => this.syncNow(force, true, force));
  }

  /** Reloads after a change this replica wrote: licenses and usage only. */
  private reloadSnapshot(): Promise<void> {
    return this.serialized(() => this.syncNow(true, false, false));
  }

  /** One sync at a time, so that a slow poll cannot put back an older snapshot. */
  private serialized<T>(run: () => Promise<T>): Promise<T> {
    const next = this.syncing.then(run);
    this.syncing = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  private async syncNow(force: boolean, maintenance: boolean, fresh: boolean): Promise<void> {
    const { store } = this.options;
    // Expiry records and the clock high-water mark: when forced (start, reload)
    // and on about one poll a minute; not after this replica's own writes.
    const due = maintenance && (force || this.ticks++ % 30 === 0);
    if (due) await this.advanceHighWater();
    const revision = await store.getRevision();
    if (force || revision !== this.revision) await this.load(revision, fresh);
    if (due) await this.recordExpiries();
  }

  /**
   * Reads licenses, usage and the high-water mark, and verifies every stored
   * license again (PRODUCT.md §2.1): only licenses whose token verifies and
   * whose columns agree with it are judged; the rest are `tampered`. Tokens
   * this process verified before are not verified twice, unless `fresh`.
   */
  private async load(revision: number, fresh: boolean): Promise<void> {
    const { store } = this.options;
    const [rows, usage, highWater] = await Promise.all([store.listLicenses(), store.getUsage(), store.getHighWater()]);
    const { licenses, tampered } = await verifyStoredLicenses(
      rows,
      { vendorKeys: this.options.vendorKeys, catalog: this.options.catalog, installationKeyId: this.keyId },
      this.verifiedTokens,
      { fresh },
    );
    for (const t of tampered) {
      if (!this.tampered.some(known => known.id === t.id && known.reason === t.reason)) {
        this.options.logger.warn(`Stored license '${t.id}' is not trusted: ${t.reason}`);
      }
    }
    if (highWater < this.highWater) {
      // An admin acknowledged a clock fault (on this replica or another): start counting from there.
      this.mark.anchorAt(highWater, this.clock(), this.monotonic());
    }
    this.highWater = highWater;
    this.licenses = licenses;
    this.tampered = tampered;
    this.usage = usage;
    this.revision = revision;
    this.invalidate();
    for (const listener of this.listeners) listener(revision);
  }

  /**
   * Raises the shared high-water mark by the time this replica has seen pass
   * since its last raise (never beyond its wall clock), and records a wall
   * clock that jumped against it. A replica's first raise only reads the mark
   * (time no replica saw pass is not counted), except on a fresh installation.
   */
  private async advanceHighWater(): Promise<void> {
    const { store } = this.options;
    const wall = this.clock();
    const mono = this.monotonic();
    if (!this.mark.anchored) {
      const stored = await store.getHighWater();
      this.highWater = stored > 0 ? stored : await store.raiseHighWater(wall);
      this.mark.anchorAt(this.highWater, wall, mono);
      return;
    }
    const drift = this.mark.drift(wall, mono);
    const candidate = this.mark.candidate(wall, mono);
    this.highWater = await store.raiseHighWater(candidate);
    this.mark.anchorAt(this.highWater, wall, mono);
    if (Math.abs(drift) > (this.options.rollbackToleranceMs ?? 600_000)) {
      const detail =
        drift > 0
          ? `The system clock jumped forward by ${describeDuration(drift)} against the time this replica saw pass (now ${iso(wall)}); the high-water mark did not follow it (${iso(this.highWater)}).`
          : `The system clock was turned back by ${describeDuration(drift)} against the time this replica saw pass (now ${iso(wall)}); the high-water mark is ${iso(this.highWater)}.`;
      this.options.logger.warn(detail);
      await store.appendRecords([{ time: wall, action: 'clock', actor: 'system', detail }]);
    }
  }

  /**
   * Records, once across replicas, the expiry of licenses past their exp at
   * the trusted instant — but not on the word of a wall clock that jumped
   * forward while this replica ran (the record would stay when the clock is
   * fixed): no later than the time seen to pass, within the tolerance.
   */
  private async recordExpiries(): Promise<void> {
    const now = this.clock();
    const seen = Math.max(this.highWater, this.mark.seenWall(now, this.monotonic()));
    const at = Math.min(this.trustedNow(now), seen + (this.options.rollbackToleranceMs ?? 600_000));
    const due = this.licenses.filter(l => l.expiresAt <= at);
    if (due.length === 0) return;
    await this.options.store.recordExpiries(due, l => ({
      time: now,
      action: 'expire',
      ...recordOf(l),
      state: 'expired',
      actor: 'system',
    }));
  }

  /** The instant licenses are judged at: the clock, or the high-water mark when the clock is behind it. */
  private trustedNow(now = this.clock()): number {
    return Math.max(now, this.highWater);
  }

  private invalidate() {
    this.cached = undefined;
    this.decisions.clear();
  }

  /** The evaluation at the current instant; recomputed only when it may have changed. */
  evaluation(): Evaluation {
    const now = this.clock();
    const cached = this.cached;
    if (cached && now < cached.validUntil && now >= cached.at - 1000) return cached;
    const evaluation = this.evaluateAt(now, this.licenses, this.tampered);
    this.cached = { ...evaluation, validUntil: Math.min(evaluation.validUntil, now + 60_000) };
    this.decisions.clear();
    return this.cached;
  }

  private evaluateAt(now: number, licenses: readonly StoredLicense[], tampered: readonly TamperedRow[]): Evaluation {
    return evaluateLicenses(this.evaluationInput(now, licenses, tampered));
  }

  private evaluationInput(now: number, licenses: readonly StoredLicense[], tampered: readonly TamperedRow[]): EvaluationInput {
    return {
      licenses,
      tampered,
      catalog: this.options.catalog,
      now,
      usage: this.usage,
      expiryWarningDays: this.options.expiryWarningDays,
      highWaterMark: this.highWater,
      rollbackToleranceMs: this.options.rollbackToleranceMs,
    };
  }

  /** May a feature be used (for `amount` more units of `metric`)? No I/O, no crypto. */
  check(request: CheckRequest): CheckResult {
    const problem = checkRequestProblem(this.options.catalog, request);
    if (problem) throw new InputError(problem);
    const evaluation = this.evaluation();
    let decision = this.decisions.get(request.feature);
    if (!decision) {
      // Shared by every caller until the next evaluation: frozen, so none can change it for the others.
      decision = Object.freeze(decideFeature(this.options.catalog, evaluation, request.feature));
      this.decisions.set(request.feature, decision);
    }
    if (request.metric === undefined) return decision;
    return decideQuota(
      this.options.catalog,
      evaluation,
      decision,
      request.metric,
      request.amount ?? 1,
      this.usage[request.metric] ?? 0,
    );
  }

  /** Every stored license, trusted or tampered, in upload order. */
  listLicenses(): LicenseView[] {
    const { states } = this.evaluation();
    const { catalog } = this.options;
    const all = [
      ...this.licenses.map(l => ({ seq: l.uploadSeq, view: licenseView(l, states.get(l.id)!, catalog) })),
      // A tampered row is no license: whatever it claims, an admin may delete it.
      ...this.tampered.map(t => ({ seq: t.row.uploadSeq, view: { ...licenseView(t.row, 'tampered', catalog), deletable: true } })),
    ];
    return all.sort((a, b) => a.seq - b.seq).map(x => x.view);
  }

  status(): LicenseStatus {
    const evaluation = this.evaluation();
    const { catalog } = this.options;
    const base = evaluation.base ?? evaluation.lastExpiredBase;
    return {
      edition: evaluation.edition,
      editionTitle: evaluation.edition === 'community' ? 'Community' : catalog.title('item', evaluation.edition),
      state: evaluation.state,
      method: base?.method ?? null,
      productVersion: this.options.productVersion,
      keyId: this.keyId,
      base: base ? licenseView(base, evaluation.states.get(base.id)!, catalog) : null,
      plus: [...evaluation.plus.values()].map(l => licenseView(l, 'valid', catalog)),
      quotas: quotaViews(evaluation, catalog),
      exceptions: [...evaluation.exceptions],
      usbKey: { status: 'missing', keyId: null, enabled: false },
      server: { status: 'not-configured', url: null },
      evaluatedAt: new Date(this.clock()).toISOString(),
    };
  }

  /**
   * Installs the licenses of an uploaded file, all or nothing. An upload that
   * would downgrade the licenses in force is refused (DowngradeRefusedError,
   * 409) unless acknowledged.
   */
  async upload(bytes: Uint8Array, actor: Actor, options: ChangeOptions = {}): Promise<UploadResult> {
    const now = this.clock();
    const { store, catalog } = this.options;
    const tampered = new Set(this.tampered.map(t => t.id));
    const plan = await planUpload(bytes, {
      catalog,
      vendorKeys: this.options.vendorKeys,
      installationKeyId: this.keyId,
      // Judged at the instant the evaluation uses: a clock turned back does not let an expired license in.
      now: this.trustedNow(now),
      current: this.evaluation(),
      tampered,
      lookup: ids => store.getLicenses(ids),
    });
    let superseded: string[] = [];
    if (plan.install.length > 0) {
      const installed = plan.install.map(v => ({
        ...v.license,
        token: v.token,
        uploadedAt: now,
        uploadedBy: actor,
      }));
      // Judge the result before writing, to record each license's new state.
      const maxSeq = [...this.licenses, ...this.tampered.map(t => t.row)].reduce((m, l) => Math.max(m, l.uploadSeq), 0);
      const afterLicenses = [...this.licenses, ...installed.map((l, i) => ({ ...l, uploadSeq: maxSeq + 1 + i }))];
      const afterTampered = this.tampered.filter(t => !plan.restore.includes(t.id));
      refuseUnacknowledged(
        consequencesOfChange(this.evaluationInput(now, this.licenses, this.tampered), {
          licenses: afterLicenses,
          tampered: afterTampered,
          // A license of the upload that starts later takes its slot then.
          startsAt: installed.flatMap(l => (l.notBefore !== undefined ? [l.notBefore] : [])),
        }),
        !!options.acknowledge,
        'upload',
      );
      const after = this.evaluateAt(now, afterLicenses, afterTampered);
      const before = this.evaluation();
      const records: NewRecord[] = installed.map(l => ({
        time: now,
        action: 'upload',
        ...recordOf(l),
        state: after.states.get(l.id),
        actor,
        ...(tampered.has(l.id)
          ? { detail: 'restored from its signed token: the stored row did not match it' }
          : {}),
      }));
      const replaced = supersessions(this.licenses, before, after);
      records.push(...replaceRecords(replaced, now, actor));
      superseded = replaced.map(r => r.license.id);
      try {
        await store.installLicenses(installed, records, { replace: plan.restore });
      } catch (e) {
        if ((e as Error).name === 'StoreConflictError') throw new ConflictError((e as Error).message);
        throw e;
      }
      this.verifiedTokens.add(plan.install);
      await this.reloadSnapshot();
    }
    const views = (ids: string[]) => {
      const all = this.listLicenses();
      return ids.map(id => all.find(v => v.id === id)!).filter(Boolean);
    };
    return {
      installed: views(plan.install.map(v => v.license.id)),
      unchanged: views(plan.unchanged),
      superseded: views(superseded),
    };
  }

  /**
   * Brings a superseded license back into force: it becomes the newest upload
   * of its slot (recorded, with the license it supersedes). Refused
   * (DowngradeRefusedError, 409) when that would downgrade the licenses in
   * force, unless acknowledged.
   */
  async reinstate(id: string, actor: Actor, options: ChangeOptions = {}): Promise<ReinstateResult> {
    const now = this.clock();
    const before = this.evaluation();
    const plan = planReinstatement(id, { licenses: this.licenses, tampered: this.tampered, current: before });
    refuseUnacknowledged(
      consequencesOfChange(this.evaluationInput(now, this.licenses, this.tampered), { licenses: plan.licenses }),
      !!options.acknowledge,
      'reinstatement',
    );
    const after = this.evaluateAt(now, plan.licenses, this.tampered);
    const replaced = supersessions(this.licenses, before, after);
    const reinstated = await this.options.store.reinstateLicense(id, plan.license.uploadSeq, now, actor, [
      {
        time: now,
        action: 'reinstate',
        ...recordOf(plan.license),
        state: after.states.get(id),
        actor,
        detail: replaced.length ? `back in force; supersedes ${replaced.map(r => r.license.id).join(', ')}` : 'back in force',
      },
      ...replaceRecords(replaced, now, actor),
    ]);
    await this.reloadSnapshot();
    if (!reinstated) {
      throw new ConflictError(
        `License '${id}' was changed by another request (deleted, reinstated or replaced) while it was being reinstated. List licenses with GET /licenses and try again.`,
      );
    }
    const all = this.listLicenses();
    return {
      reinstated: all.find(v => v.id === id)!,
      superseded: replaced.map(r => all.find(v => v.id === r.license.id)!).filter(Boolean),
    };
  }

  /** Deletes a Plus license; Base and USB-key licenses cannot be deleted. */
  async delete(id: string, actor: Actor): Promise<void> {
    const license = this.licenses.find(l => l.id === id);
    const tampered = this.tampered.find(t => t.id === id);
    if (!license && tampered) return this.deleteTampered(tampered, actor);
    if (!license) {
      throw new NotFoundError(`No installed license has the id '${id}'. List licenses with GET /licenses.`);
    }
    if (license.type === 'base') {
      throw new ConflictError(
        `License '${id}' is a Base license, which cannot be deleted. Upload a new Base license to replace it.`,
      );
    }
    if (license.method === 'usb-key') {
      throw new ConflictError(
        `License '${id}' comes from a USB key and cannot be deleted; it counts only while the key is plugged in.`,
      );
    }
    const now = this.clock();
    const state = this.evaluation().states.get(id);
    const deleted = await this.options.store.deleteLicense(id, now, actor, [
      { time: now, action: 'delete', ...recordOf(license), state, actor },
    ]);
    await this.reloadSnapshot();
    if (!deleted) {
      throw new NotFoundError(`License '${id}' was already deleted.`);
    }
  }

  /**
   * Removes a stored row that does not match its signed token, whatever it
   * claims to be: it is no license, so the rules for Base and USB-key
   * licenses do not hold it. Recorded.
   */
  private async deleteTampered(tampered: TamperedRow, actor: Actor): Promise<void> {
    const now = this.clock();
    const { row } = tampered;
    const deleted = await this.options.store.deleteLicense(row.id, now, actor, [
      {
        time: now,
        action: 'delete',
        licenseId: row.id,
        state: 'tampered',
        actor,
        detail: `removed a stored row that did not match its signed token (${tampered.reason})`.slice(0, 1000),
      },
    ]);
    await this.reloadSnapshot();
    if (!deleted) throw new NotFoundError(`License '${row.id}' was already deleted.`);
  }

  /**
   * An admin confirms a clock fault (the clock was wrong, e.g. years ahead,
   * and is right now): the high-water mark is reset to the current time, on
   * every replica within a sync. Recorded.
   */
  async acknowledgeClock(actor: Actor): Promise<ClockAcknowledgement> {
    const now = this.clock();
    const previous = await this.serialized(async () => {
      const replaced = await this.options.store.resetHighWater(now, prev => [
        {
          time: now,
          action: 'clock',
          actor,
          detail: `clock fault acknowledged: the high-water mark was reset from ${iso(prev)} to ${iso(now)}`,
        },
      ]);
      this.mark.anchorAt(now, now, this.monotonic());
      this.highWater = now;
      return replaced;
    });
    await this.reloadSnapshot();
    return { previousHighWaterMark: iso(previous), highWaterMark: iso(now), status: this.status() };
  }

  /** Re-reads licenses and recomputes status; recorded. */
  async reload(actor: Actor): Promise<LicenseStatus> {
    await this.sync(true);
    const status = this.status();
    await this.options.store.appendRecords([
      {
        time: this.clock(),
        action: 'reload',
        actor,
        state: status.base?.state,
        type: status.base ? 'base' : undefined,
        item: status.edition,
        detail: `${this.licenses.length} license(s) installed; portal ${status.state}${
          this.tampered.length ? `; ${this.tampered.length} tampered: ${this.tampered.map(t => t.id).join(', ')}` : ''
        }`.slice(0, 2000),
      },
    ]);
    return status;
  }

  /**
   * Stores one reporter's current use of a metric (a metric's use is the sum
   * over reporters) and reloads when it changed.
   */
  async reportUsage(metric: string, used: number, reporter: Actor): Promise<void> {
    if (!this.options.catalog.isMetric(metric)) {
      throw new InputError(
        `Unknown metric '${metric}'. Known metrics: ${this.options.catalog.metricIds.join(', ')}.`,
      );
    }
    if (!Number.isSafeInteger(used) || used < 0) {
      throw new InputError(`The use of '${metric}' must be an integer of 0 or more; got ${JSON.stringify(used)}.`);
    }
    if (await this.options.store.setUsage(metric, used, this.clock(), reporter)) {
      await this.reloadSnapshot();
    }
  }

  async requestKey(): Promise<string> {
    return createRequestKey(
      {
        productVersion: this.options.productVersion,
        licenses: this.licenses.map(l => l.id),
        createdAt: new Date(this.clock()).toISOString(),
        ...(this.options.portalUrl ? { portal: this.options.portalUrl } : {}),
      },
      this.identity,
    );
  }

  records(query: RecordQuery): Promise<RecordPage> {
    return this.options.store.listRecords(query);
  }
}
