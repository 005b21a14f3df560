import { changeRecords } from '@backstage-licensing/plugin-license-management-common';
import type { Evaluation } from '@backstage-licensing/plugin-license-management-common';
import { describeDuration } from './highWater';
import type { LicenseSnapshot } from './LicenseSnapshot';

const iso = (ms: number) => new Date(ms).toISOString();
const DEFAULT_TOLERANCE_MS = 600_000;

/**
 * Keeps a replica's snapshot current: polls the store's revision and reloads
 * when another replica changed something, reloads after this replica's own
 * writes, and about once a minute raises the clock high-water mark and
 * records expiries. One load at a time, so a slow poll cannot put back an
 * older snapshot.
 */
export class SnapshotSync {
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private ticks = 0;
  /** The evaluation whose expiries this replica recorded last. */
  private expiriesRecorded?: Evaluation;

  constructor(
    private readonly snapshot: LicenseSnapshot,
    private readonly options: { syncIntervalMs?: number; logger: { warn(m: string, e?: Error): void } },
  ) {}

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
   * Reloads from the store when it changed (or when forced: start, POST
   * /reload, which verify every stored token again), records expiries and
   * raises the clock high-water mark about once a minute.
   */
  sync(force: boolean): Promise<void> {
    return this.serialized(() => this.syncNow(force, true, force));
  }

  /** Reloads after a change this replica wrote: licenses and usage only. */
  reloadAfterWrite(): Promise<void> {
    return this.serialized(() => this.syncNow(true, false, false));
  }

  /** Runs `run` when no other load runs. */
  serialized<T>(run: () => Promise<T>): Promise<T> {
    const next = this.running.then(run);
    this.running = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  private async syncNow(force: boolean, maintenance: boolean, fresh: boolean): Promise<void> {
    const { store } = this.snapshot.options;
    // Expiry records and the clock high-water mark: when forced (start, reload)
    // and on about one poll a minute; not after this replica's own writes.
    const due = maintenance && (force || this.ticks++ % 30 === 0);
    if (due) await this.advanceHighWater();
    const revision = await store.getRevision();
    if (force || revision !== this.snapshot.revision) await this.snapshot.load(revision, fresh);
    if (due) await this.recordExpiries();
  }

  /**
   * Raises the shared high-water mark by the time this replica has seen pass
   * since its last raise (never beyond its wall clock), and records a wall
   * clock that jumped against it. A replica's first raise only reads the mark
   * (time no replica saw pass is not counted), except on a fresh installation.
   */
  private async advanceHighWater(): Promise<void> {
    const s = this.snapshot;
    const { store, clock, monotonic, rollbackToleranceMs } = s.options;
    const wall = clock();
    const mono = monotonic();
    if (!s.mark.anchored) {
      const stored = await store.getHighWater();
      s.highWater = stored > 0 ? stored : await store.raiseHighWater(wall);
      s.mark.anchorAt(s.highWater, wall, mono);
      return;
    }
    const drift = s.mark.drift(wall, mono);
    const candidate = s.mark.candidate(wall, mono);
    s.highWater = await store.raiseHighWater(candidate);
    s.mark.anchorAt(s.highWater, wall, mono);
    if (Math.abs(drift) > (rollbackToleranceMs ?? DEFAULT_TOLERANCE_MS)) {
      const detail =
        drift > 0
          ? `The system clock jumped forward by ${describeDuration(drift)} against the time this replica saw pass (now ${iso(wall)}); the high-water mark did not follow it (${iso(s.highWater)}).`
          : `The system clock was turned back by ${describeDuration(drift)} against the time this replica saw pass (now ${iso(wall)}); the high-water mark is ${iso(s.highWater)}.`;
      this.options.logger.warn(detail);
      await store.appendRecords([{ time: wall, action: 'clock', actor: 'system', detail }]);
    }
  }

  /**
   * Records, once across replicas, the expiry of every license the domain
   * judges expired (evaluateLicenses, then changeRecords) at the trusted
   * instant — but not on the word of a wall clock that jumped forward while
   * this replica ran (the record would stay when the clock is fixed): no
   * later than the time seen to pass, within the tolerance.
   */
  private async recordExpiries(): Promise<void> {
    const s = this.snapshot;
    const { store, clock, monotonic, rollbackToleranceMs } = s.options;
    const now = clock();
    const seen = Math.max(s.highWater, s.mark.seenWall(now, monotonic()));
    const at = Math.min(s.trustedNow(now), seen + (rollbackToleranceMs ?? DEFAULT_TOLERANCE_MS));
    const after = s.evaluateAt(at);
    const records = changeRecords(
      { action: 'expire' },
      { licenses: s.licenses, before: this.expiriesRecorded, after, time: now, actor: 'system' },
    );
    if (records.length > 0) {
      const byId = new Map(s.licenses.map(l => [l.id, l]));
      await store.recordExpiries(records.map(record => ({ license: byId.get(record.licenseId!)!, record })));
    }
    // Loaded licenses change with every load; compare against the same set next time only.
    this.expiriesRecorded = after;
  }
}
