import {
  ConflictError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import {
  checkRequestProblem,
  decideFeature,
  decideQuota,
  evaluateLicenses,
  type CheckRequest,
  type CheckResult,
  type Evaluation,
  type LicenseCatalog,
  type LicenseStatus,
  type LicenseView,
  type RecordPage,
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
import { planUpload } from './upload';
import { licenseView, quotaViews } from './views';

export interface LicenseManagerOptions {
  store: LicenseStore;
  catalog: LicenseCatalog;
  vendorKeys: VendorKeyring;
  /** The clock, in ms. */
  clock?: () => number;
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

/**
 * Holds the licenses of this installation in memory, answers status and
 * checks from that snapshot, and writes changes through the store. Replicas
 * notice each other's changes by polling the store's revision counter.
 */
export class LicenseManager implements LocalLicenseEngine {
  private licenses: StoredLicense[] = [];
  private usage: Record<string, number> = {};
  private revision = -1;
  private highWater = 0;
  private cached?: Evaluation;
  private decisions = new Map<string, CheckResult>();
  private timer?: NodeJS.Timeout;
  private syncing: Promise<void> = Promise.resolve();
  private ticks = 0;
  readonly clock: () => number;

  static async create(options: LicenseManagerOptions): Promise<LicenseManager> {
    const { privateKeyPem, publicKeyPem } = generateEd25519KeyPair();
    const clock = options.clock ?? Date.now;
    const identity = await options.store.ensureInstallation({
      keyId: keyIdOf(publicKeyPem),
      privateKeyPem,
      publicKeyPem,
      createdAt: clock(),
    });
    const manager = new LicenseManager(options, identity);
    await manager.sync(true);
    return manager;
  }

  private constructor(
    private readonly options: LicenseManagerOptions,
    private readonly identity: InstallationIdentity,
  ) {
    this.clock = options.clock ?? Date.now;
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
   * Reloads from the store when it changed (or when forced), records expiries
   * and raises the clock high-water mark about once a minute.
   */
  sync(force: boolean): Promise<void> {
    return this.serialized(() => this.syncNow(force, true));
  }

  /** Reloads after a change this replica wrote: licenses and usage only. */
  private reloadSnapshot(): Promise<void> {
    return this.serialized(() => this.syncNow(true, false));
  }

  /** One sync at a time, so that a slow poll cannot put back an older snapshot. */
  private serialized(run: () => Promise<void>): Promise<void> {
    const next = this.syncing.then(run);
    this.syncing = next.catch(() => undefined);
    return next;
  }

  private async syncNow(force: boolean, maintenance: boolean): Promise<void> {
    const { store } = this.options;
    const now = this.clock();
    // Expiry records and the clock high-water mark: when forced (start, reload)
    // and on about one poll a minute; not after this replica's own writes.
    if (maintenance && (force || this.ticks++ % 30 === 0)) {
      this.highWater = await store.raiseHighWater(now);
      await store.recordExpiries(now, l => ({
        time: now,
        action: 'expire',
        ...recordOf(l),
        state: 'expired',
        actor: 'system',
      }));
    }
    const revision = await store.getRevision();
    if (!force && revision === this.revision) return;
    const [licenses, usage] = await Promise.all([store.listLicenses(), store.getUsage()]);
    this.licenses = licenses;
    this.usage = usage;
    this.revision = revision;
    this.invalidate();
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
    const evaluation = this.evaluateAt(now, this.licenses);
    this.cached = { ...evaluation, validUntil: Math.min(evaluation.validUntil, now + 60_000) };
    this.decisions.clear();
    return this.cached;
  }

  private evaluateAt(now: number, licenses: readonly StoredLicense[]): Evaluation {
    return evaluateLicenses({
      licenses,
      catalog: this.options.catalog,
      now,
      usage: this.usage,
      expiryWarningDays: this.options.expiryWarningDays,
      highWaterMark: this.highWater,
      rollbackToleranceMs: this.options.rollbackToleranceMs,
    });
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

  listLicenses(): LicenseView[] {
    const { states } = this.evaluation();
    return this.licenses.map(l => licenseView(l, states.get(l.id)!, this.options.catalog));
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

  /** Installs the licenses of an uploaded file, all or nothing. */
  async upload(bytes: Uint8Array, actor: Actor): Promise<UploadResult> {
    const now = this.clock();
    const { store, catalog } = this.options;
    const plan = await planUpload(bytes, {
      catalog,
      vendorKeys: this.options.vendorKeys,
      installationKeyId: this.keyId,
      now,
      current: this.evaluation(),
      lookup: ids => store.getLicenses(ids),
    });
    if (plan.install.length > 0) {
      const installed = plan.install.map(v => ({
        ...v.license,
        token: v.token,
        uploadedAt: now,
        uploadedBy: actor,
      }));
      // Judge the result before writing, to record each license's new state.
      const maxSeq = this.licenses.reduce((m, l) => Math.max(m, l.uploadSeq), 0);
      const after = this.evaluateAt(now, [
        ...this.licenses,
        ...installed.map((l, i) => ({ ...l, uploadSeq: maxSeq + 1 + i })),
      ]);
      const before = this.evaluation();
      const records: NewRecord[] = installed.map(l => ({
        time: now,
        action: 'upload',
        ...recordOf(l),
        state: after.states.get(l.id),
        actor,
      }));
      for (const l of this.licenses) {
        if (before.states.get(l.id) === 'valid' && after.states.get(l.id) === 'superseded') {
          const by = installed.find(n => n.type === l.type && n.item === l.item && after.states.get(n.id) === 'valid');
          records.push({
            time: now,
            action: 'replace',
            ...recordOf(l),
            state: 'superseded',
            actor,
            detail: by ? `replaced by ${by.id}` : undefined,
          });
        }
      }
      try {
        await store.installLicenses(installed, records);
      } catch (e) {
        if ((e as Error).name === 'StoreConflictError') throw new ConflictError((e as Error).message);
        throw e;
      }
      await this.reloadSnapshot();
    }
    const views = (ids: string[]) => {
      const all = this.listLicenses();
      return ids.map(id => all.find(v => v.id === id)!).filter(Boolean);
    };
    return {
      installed: views(plan.install.map(v => v.license.id)),
      unchanged: views(plan.unchanged),
    };
  }

  /** Deletes a Plus license; Base and USB-key licenses cannot be deleted. */
  async delete(id: string, actor: Actor): Promise<void> {
    const license = this.licenses.find(l => l.id === id);
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
        detail: `${this.licenses.length} license(s) installed; portal ${status.state}`,
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

function recordOf(l: Omit<StoredLicense, 'uploadSeq'>) {
  return {
    licenseId: l.id,
    type: l.type,
    item: l.item,
    method: l.method,
    quota: l.quota,
    issuedAt: l.issuedAt,
    expiresAt: l.expiresAt,
  };
}
