import {
  judgeUsbKey,
  usbKeyRecord,
  usbKeyView,
  type UsbKeyCounting,
  type UsbKeyJudgement,
  type UsbKeyView,
  type UsbNodeReading,
} from '@backstage-licensing/plugin-license-management-common';
import type { UsbKeyStore } from '../database/UsbKeyStore';
import type { UsbDeviceSource, UsbScan } from '../usb/types';
import type { UsbKeySettings } from './usbKeyConfig';
import { readingOf } from './readingOf';

export interface UsbKeyWatcherOptions {
  source: UsbDeviceSource;
  store: UsbKeyStore;
  settings: UsbKeySettings;
  clock: () => number;
  logger: { info(m: string): void; warn(m: string, e?: Error): void };
}

/** Nodes not seen for a day (or ten node timeouts, if longer) are forgotten: pods come and go. */
const FORGET_AFTER_MS = 24 * 3_600_000;
/** How long `POST /reload` waits for a scan, so that it answers within 2 s. */
export const RESCAN_TIMEOUT_MS = 1500;

/** What the license engine asks of the USB key: the judgement to evaluate with, the view, a rescan. */
export interface UsbKeyState {
  /** The keys that count and until when, for evaluateLicenses. */
  counting(): UsbKeyCounting | undefined;
  /** `/status.usbKey`. */
  view(): UsbKeyView;
  /** What `usb-key` uploads may be bound to. */
  presence(): { enabled: boolean; present: readonly string[] };
  /** Scans now and judges again; resolves within about 1.5 s even if the bus hangs. */
  rescan(): Promise<void>;
  /** `listener(changed)` after every judgement; `changed` when what `/status.usbKey` shows changed. */
  onJudged(listener: (changed: boolean) => void): () => void;
}

/**
 * The USB key watcher of one management node (PRODUCT.md §2.7): scans its
 * own bus on hot-plug hints and every `pollInterval`, stores what it sees
 * (node id, serials or read failures, the time), judges the USB key over
 * every node seen within `nodeTimeout` (judgeUsbKey, -common), stores the
 * shared USB key state with the records of what changed (once across
 * replicas: compare-and-set), and tells the engine. Never throws: a source
 * that fails is a node whose bus cannot be read.
 */
export class UsbKeyWatcher implements UsbKeyState {
  private judgement?: UsbKeyJudgement;
  private judgedAt?: number;
  private local?: UsbNodeReading;
  private timer?: NodeJS.Timeout;
  private unwatch?: () => void;
  private chain: Promise<void> = Promise.resolve();
  private queued?: Promise<void>;
  private shownKey?: string;
  private lastProblem?: string;
  private failing = false;
  private readonly listeners = new Set<(changed: boolean) => void>();

  constructor(private readonly options: UsbKeyWatcherOptions) {}

  /** Looks once (so that the engine starts with the key), then on hot-plug hints and every pollInterval. */
  async start(): Promise<void> {
    await this.poll();
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.options.settings.pollIntervalMs);
    this.timer.unref?.();
    try {
      this.unwatch = this.options.source.watch(() => void this.poll());
    } catch (e) {
      this.options.logger.warn(`USB hot-plug events are not available; polling every ${this.options.settings.pollIntervalMs} ms`, e as Error);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    try {
      this.unwatch?.();
    } catch {
      // Stopping a watch that failed is nothing to report.
    }
    this.unwatch = undefined;
  }

  /** Scans and judges now; calls made while one waits share the next. Never rejects. */
  poll(timeoutMs = Math.max(this.options.settings.pollIntervalMs, RESCAN_TIMEOUT_MS)): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.chain.then(() => {
      this.queued = undefined;
      return this.look(timeoutMs).then(
        () => {
          if (this.failing) this.options.logger.info('The USB key watch works again.');
          this.failing = false;
        },
        e => {
          // Once per outage (the database unreachable): the next polls retry quietly.
          if (!this.failing) this.options.logger.warn('The USB key watch failed; it retries at every poll', e as Error);
          this.failing = true;
        },
      );
    });
    this.queued = next;
    this.chain = next;
    return next;
  }

  rescan(): Promise<void> {
    return this.poll(RESCAN_TIMEOUT_MS);
  }

  counting(): UsbKeyCounting | undefined {
    const j = this.judgement;
    if (!j || this.judgedAt === undefined) return undefined;
    // A judgement nobody renewed (the database unreachable) stops counting after nodeTimeout.
    const stale = this.judgedAt + this.options.settings.nodeTimeoutMs;
    return {
      status: j.status,
      counting: j.counting,
      countingUntil: Math.min(j.countingUntil ?? Number.POSITIVE_INFINITY, stale),
      message: j.message,
    };
  }

  view(): UsbKeyView {
    const j = this.judgement ?? judgeUsbKey({ readings: [], now: this.options.clock(), settings: this.options.settings });
    return usbKeyView(j, { scannedAt: this.local?.seenAt, pollIntervalMs: this.options.settings.pollIntervalMs });
  }

  presence() {
    return { enabled: true, present: this.judgement?.present ?? [] };
  }

  onJudged(listener: (changed: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private async look(timeoutMs: number): Promise<void> {
    const { store, settings, clock } = this.options;
    const scan = await this.scan(timeoutMs);
    const now = clock();
    this.local = readingOf(scan, this.local, settings.nodeId, now);
    this.logProblem(scan);
    await store.writeReading(this.local, now - Math.max(FORGET_AFTER_MS, 10 * settings.nodeTimeoutMs));
    const readings = (await store.listReadings()).map(r => (r.node === settings.nodeId ? this.local! : r));
    let judgement: UsbKeyJudgement | undefined;
    // Another replica may store the shared state first: judge again from what it stored.
    for (let attempt = 0; attempt < 3 && !judgement; attempt++) {
      const state = await store.getState();
      const j = judgeUsbKey({ readings, previous: state.memory, now, settings });
      if (state.memory && JSON.stringify(state.memory) === JSON.stringify(j.memory)) judgement = j;
      else if (await store.saveState(j.memory, state.version, j.events.map(e => usbKeyRecord(e, now, j.keyId ?? j.memory.readyKey)))) {
        judgement = j;
        for (const e of j.events) this.options.logger.info(`USB key: ${e}`);
      }
    }
    if (!judgement) return; // Judged again at the next poll.
    this.judgement = judgement;
    this.judgedAt = now;
    const shown = JSON.stringify([judgement.status, judgement.keyId, judgement.message, judgement.nodes.map(n => [n.node, n.keys, n.faults, n.available, n.reason])]);
    const changed = shown !== this.shownKey;
    this.shownKey = shown;
    for (const listener of this.listeners) listener(changed);
  }

  /** One look at the bus; a source that throws, or does not answer in time, cannot read its bus. */
  private async scan(timeoutMs: number): Promise<UsbScan> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.options.source.scan(),
        new Promise<UsbScan>(resolve => {
          timer = setTimeout(
            () => resolve({ available: false, reason: `the USB bus did not answer within ${timeoutMs} ms` }),
            timeoutMs,
          );
          // A hung scan must not keep the process alive once the watcher stops.
          timer.unref?.();
        }),
      ]);
    } catch (e) {
      return { available: false, reason: `the USB scan failed: ${(e as Error)?.message ?? e}` };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private logProblem(scan: UsbScan) {
    const problem = scan.available ? undefined : scan.reason;
    if (problem && problem !== this.lastProblem) {
      this.options.logger.warn(`This node (${this.options.settings.nodeId}) cannot read its USB bus: ${problem}. USB key licensing goes on with the other nodes.`);
    } else if (!problem && this.lastProblem) {
      this.options.logger.info(`This node (${this.options.settings.nodeId}) reads its USB bus again.`);
    }
    this.lastProblem = problem;
  }
}
