import {
  catalogDefinitionOf,
  type CheckRequest,
  type CheckResult,
  type Evaluation,
  type LicenseCatalog,
  type LicenseCatalogDefinition,
  type LicenseStatus,
  type LicenseView,
  type RecordPage,
  type ReinstateResult,
  type UploadResult,
  type UsageView,
  USB_KEY_DISABLED_VIEW,
} from '@backstage-licensing/plugin-license-management-common';
import {
  createRequestKey,
  generateEd25519KeyPair,
  keyIdOf,
  type LicenseEngine,
} from '@backstage-licensing/plugin-license-management-node';
import type { InstallationIdentity, RecordQuery } from '../database/LicenseStore';
import { acknowledgeClock, type ClockAcknowledgement, reloadLicenses, reportUsage } from './adminWrites';
import { deleteLicense, reinstateLicense } from './changeLicenses';
import type { DefaultLicenseEngineOptions } from './engineOptions';
import { checkLicense } from './checkLicense';
import { assertNoDemoVendorKeyInProduction } from './demoVendorKey';
import { trustedIdentity } from './identity';
import { LicenseSnapshot } from './LicenseSnapshot';
import { SnapshotSync } from './SnapshotSync';
import { recordRejectedUpload, uploadLicenses } from './uploadLicenses';
import { licenseViews, statusView, usageViews } from './views';
import type { Actor, ChangeOptions, WriteContext } from './writeContext';

export type { Actor, ChangeOptions, ClockAcknowledgement, DefaultLicenseEngineOptions };

/**
 * The license engine of one replica: answers status and checks from its
 * in-memory snapshot (LicenseSnapshot, kept current by SnapshotSync) and
 * changes licenses through the write paths (uploadLicenses, changeLicenses,
 * adminWrites), each of which writes one transaction and reloads. Every rule
 * it applies is a function of `-common`. Registered in
 * `licenseEngineRegistryServiceRef` for in-process callers.
 */
export class DefaultLicenseEngine implements LicenseEngine {
  private readonly snapshot: LicenseSnapshot;
  private readonly syncer: SnapshotSync;
  private readonly writes: WriteContext;
  private readonly catalogDefinition: LicenseCatalogDefinition;
  readonly clock: () => number;

  /**
   * Starts a replica: refuses the demo vendor key in production, reads (or
   * creates) the installation identity and checks it, then loads and verifies
   * every stored license.
   */
  static async create(options: DefaultLicenseEngineOptions): Promise<DefaultLicenseEngine> {
    assertNoDemoVendorKeyInProduction(options.vendorKeys, options.production ?? process.env.NODE_ENV === 'production');
    const { privateKeyPem, publicKeyPem } = generateEd25519KeyPair();
    const clock = options.clock ?? Date.now;
    const stored = await options.store.ensureInstallation({
      keyId: keyIdOf(publicKeyPem),
      privateKeyPem,
      publicKeyPem,
      createdAt: clock(),
    });
    const engine = new DefaultLicenseEngine(options, trustedIdentity(stored));
    await engine.sync(true);
    return engine;
  }

  private constructor(
    private readonly options: DefaultLicenseEngineOptions,
    private readonly identity: InstallationIdentity,
  ) {
    this.clock = options.clock ?? Date.now;
    const { store, catalog, vendorKeys, logger } = options;
    this.snapshot = new LicenseSnapshot({
      store,
      catalog,
      vendorKeys,
      installationKeyId: identity.keyId,
      clock: this.clock,
      monotonic: options.monotonic ?? (() => performance.now()),
      expiryWarningDays: options.expiryWarningDays,
      rollbackToleranceMs: options.rollbackToleranceMs,
      logger,
      usbKeyState: options.usbKeyState,
      leaseState: options.leaseState,
    });
    this.syncer = new SnapshotSync(this.snapshot, { syncIntervalMs: options.syncIntervalMs, logger });
    this.writes = { store, catalog, vendorKeys, installationKeyId: identity.keyId, clock: this.clock, snapshot: this.snapshot, sync: this.syncer, usbKeyState: options.usbKeyState };
    this.catalogDefinition = catalogDefinitionOf(catalog);
  }

  get keyId(): string {
    return this.identity.keyId;
  }

  get catalog(): LicenseCatalog {
    return this.options.catalog;
  }

  /** Starts polling for other replicas' changes. */
  start(): void {
    this.syncer.start();
  }

  stop(): void {
    this.syncer.stop();
  }

  /** Calls `listener` with the store revision now, then after every reload of the snapshot. It must not throw. */
  onChange(listener: (revision: number) => void): () => void {
    return this.snapshot.onChange(listener);
  }

  /** Reloads from the store when it changed (or when forced); records expiries, raises the clock mark. */
  sync(force: boolean): Promise<void> {
    return this.syncer.sync(force);
  }

  /** The evaluation at the current instant; recomputed only when it may have changed. */
  evaluation(): Evaluation {
    return this.snapshot.evaluation();
  }

  /** May a feature be used (for `amount` more units of `metric`)? No I/O, no crypto. */
  check(request: CheckRequest): CheckResult {
    return checkLicense(this.snapshot, request);
  }

  /** Every stored license, trusted or tampered, in upload order. */
  listLicenses(): LicenseView[] {
    return licenseViews(this.snapshot);
  }

  status(): LicenseStatus {
    return statusView(this.snapshot, {
      productVersion: this.options.productVersion,
      keyId: this.keyId,
      catalog: this.catalogDefinition,
      usbKey: this.options.usbKeyState?.view() ?? USB_KEY_DISABLED_VIEW,
      server: this.options.leaseState?.view(),
    });
  }

  /** Every catalog metric: its use, its quota in force and each reporter's share. */
  usage(): UsageView[] {
    return usageViews(this.snapshot);
  }

  /**
   * This portal as a license server (sharing/LeaseServer): whether it serves
   * leases, and the quota leased now, which counts with the use against what
   * is authorized. The evaluation is recomputed only when they changed.
   */
  setSharing(sharing: { serving: boolean; leased: Record<string, number> }): void {
    const s = this.snapshot;
    if (s.serving === sharing.serving && JSON.stringify(s.leased) === JSON.stringify(sharing.leased)) return;
    s.serving = sharing.serving;
    s.leased = { ...sharing.leased };
    s.invalidate();
  }

  upload(bytes: Uint8Array, actor: Actor, options: ChangeOptions = {}): Promise<UploadResult> {
    return uploadLicenses(this.writes, bytes, actor, options);
  }

  /** Records an upload refused before it reached the engine (e.g. over 1 MiB) as `rejected`, with the reason. */
  recordRejectedUpload(reason: string, actor: Actor): Promise<void> {
    return recordRejectedUpload(this.writes, reason, actor);
  }

  reinstate(id: string, actor: Actor, options: ChangeOptions = {}): Promise<ReinstateResult> {
    return reinstateLicense(this.writes, id, actor, options);
  }

  delete(id: string, actor: Actor): Promise<void> {
    return deleteLicense(this.writes, id, actor);
  }

  async acknowledgeClock(actor: Actor): Promise<ClockAcknowledgement> {
    const iso = (ms: number) => new Date(ms).toISOString();
    const { previous, now } = await acknowledgeClock(this.writes, actor);
    return { previousHighWaterMark: iso(previous), highWaterMark: iso(now), status: this.status() };
  }

  /** Rescans the USB key (when enabled; within about 1.5 s), re-reads licenses and recomputes status; recorded. */
  async reload(actor: Actor): Promise<LicenseStatus> {
    await this.options.usbKeyState?.rescan();
    return reloadLicenses(this.writes, actor, () => this.status());
  }

  reportUsage(metric: string, used: number, reporter: Actor): Promise<void> {
    return reportUsage(this.writes, metric, used, reporter);
  }

  async requestKey(): Promise<string> {
    return createRequestKey(
      {
        productVersion: this.options.productVersion,
        licenses: this.snapshot.licenses.map(l => l.id),
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
