import type {
  CheckRequest,
  CheckResult,
  LicenseStatus,
} from '@backstage-licensing/plugin-license-management-common';
import type { LicenseManagementApi } from '../api';

export interface LicenseStatusSnapshot {
  status?: LicenseStatus;
  /** The last failure to read the status; the last good status is kept. */
  error?: Error;
  loading: boolean;
  /** Goes up whenever the license picture changes: upload, delete, expiry, quota. */
  revision: number;
}

/** What makes two statuses the same license picture (not the evaluation time). */
export function statusFingerprint(s: LicenseStatus): string {
  return JSON.stringify([
    s.state,
    s.edition,
    s.base?.id ?? null,
    s.base?.state ?? null,
    s.plus.map(p => `${p.id}:${p.state}`),
    s.quotas.map(q => `${q.metric}:${q.authorized}:${q.used}`),
    s.exceptions.map(e => `${e.code}:${e.slot ?? ''}:${e.daysLeft ?? ''}:${e.metric ?? ''}`),
    s.usbKey.status,
    s.server.status,
  ]);
}

/**
 * The license status of one portal session, shared by the banner, the guard,
 * the page and every license gate: read once, re-read at once when the
 * backend signals a change (`license-management:status`), every minute as a
 * fallback and when the window regains focus while anyone listens, and on
 * demand after a change. Check answers are cached until the license picture
 * changes.
 */
export class LicenseStatusStore {
  private snapshot: LicenseStatusSnapshot = { loading: true, revision: 0 };
  private readonly listeners = new Set<() => void>();
  private fingerprint?: string;
  private checks = new Map<string, Promise<CheckResult>>();
  private requested = 0;
  private applied = 0;
  private lastRead = 0;
  private timer?: ReturnType<typeof setInterval>;
  /** Signal messages already acted on: every subscriber of a session receives the same message. */
  private readonly signalled = new WeakSet<object>();

  constructor(
    private readonly api: LicenseManagementApi,
    private readonly pollMs = 60_000,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  };

  getSnapshot = (): LicenseStatusSnapshot => this.snapshot;

  /** Reads the status now; answers undefined when it could not be read. */
  refresh = async (): Promise<LicenseStatus | undefined> => {
    const seq = ++this.requested;
    try {
      const status = await this.api.getStatus();
      if (seq > this.applied) this.apply(seq, status);
      return status;
    } catch (error) {
      if (seq > this.applied) {
        this.applied = seq;
        this.set({ ...this.snapshot, loading: false, error: error as Error });
      }
      return undefined;
    }
  };

  /**
   * The backend announced a change of the license status (a message of the
   * `license-management:status` channel): re-read it now, once per message
   * however many components pass it on.
   */
  signal = (message: object): void => {
    if (this.signalled.has(message)) return;
    this.signalled.add(message);
    void this.refresh();
  };

  /** Asks `/check`, once per question until the license picture changes. */
  check(request: CheckRequest): Promise<CheckResult> {
    const key = JSON.stringify([request.feature, request.metric ?? null, request.amount ?? null]);
    let answer = this.checks.get(key);
    if (!answer) {
      const checks = this.checks;
      answer = this.api.check(request);
      answer.catch(() => checks.delete(key));
      checks.set(key, answer);
    }
    return answer;
  }

  private apply(seq: number, status: LicenseStatus) {
    this.applied = seq;
    this.lastRead = Date.now();
    const fingerprint = statusFingerprint(status);
    let revision = this.snapshot.revision;
    if (this.fingerprint !== undefined && fingerprint !== this.fingerprint) {
      revision += 1;
      this.checks = new Map();
    }
    this.fingerprint = fingerprint;
    this.set({ status, loading: false, error: undefined, revision });
  }

  private set(snapshot: LicenseStatusSnapshot) {
    this.snapshot = snapshot;
    this.listeners.forEach(l => l());
  }

  private readonly onFocus = () => {
    if (Date.now() - this.lastRead > 5_000) this.refresh();
  };

  private start() {
    if (!this.snapshot.status || Date.now() - this.lastRead > 5_000) this.refresh();
    this.timer = setInterval(this.refresh, this.pollMs);
    if (typeof window !== 'undefined') window.addEventListener('focus', this.onFocus);
  }

  private stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    if (typeof window !== 'undefined') window.removeEventListener('focus', this.onFocus);
  }
}

const stores = new WeakMap<LicenseManagementApi, LicenseStatusStore>();

/** The one store of a License Management API instance (one per app). */
export function licenseStatusStoreFor(api: LicenseManagementApi): LicenseStatusStore {
  let store = stores.get(api);
  if (!store) {
    store = new LicenseStatusStore(api);
    stores.set(api, store);
  }
  return store;
}
