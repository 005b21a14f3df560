import {
  type ClientEvent,
  clientEventDetail,
  type ClientLeaseState,
  type LicenseServerView,
  NOT_CONFIGURED,
  nextLeaseState,
  recordDetail,
  type ServerConnection,
  serverView,
} from '@backstage-licensing/plugin-license-management-common';
import type { NewRecord } from '../database/LicenseStore';
import type { LeaseClientSettings } from './config';
import { releaseLease, requestLease } from './leaseHttp';
import type { LeaseClientStore, ServerSetting, StoredClient } from './LeaseClientStore';

/** What the engine reads of the client site: the lease state now, and when it changes. */
export interface LeaseClientState {
  state(): ClientLeaseState;
  /** `/status.server` on a client site. */
  view(): LicenseServerView;
  /**
   * `listener` is called after every change of the state, with `shown` true
   * when what people see changed (status, server, lease, message), false for
   * a renewal that only moved the times.
   */
  onChange(listener: (shown: boolean) => void): () => void;
}

export interface LeaseClientOptions {
  store: LeaseClientStore;
  settings: LeaseClientSettings;
  clock: () => number;
  logger: { info(m: string): void; warn(m: string, e?: Error): void };
}

/** The actor of what the client site does by itself. */
export const CLIENT_ACTOR = 'license-management';

/**
 * This portal as a client site (PRODUCT.md §2.6): leases on start, renews
 * every `renewInterval`, goes `disconnected` when renewals get no answer and
 * keeps the lease until `graceUntil`, `refused` when the server says no; it
 * retries every `renewInterval` and re-leases by itself. Every replica runs
 * one; they share the state in the database (compare-and-set), so each
 * change is recorded once. Every rule is in -common `leaseClient.ts`.
 */
export class LeaseClient implements LeaseClientState {
  private current: ClientLeaseState = NOT_CONFIGURED;
  private readonly listeners = new Set<(shown: boolean) => void>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  private warnedTtl = false;

  constructor(private readonly options: LeaseClientOptions) {}

  state(): ClientLeaseState {
    return this.current;
  }

  onChange(listener: (shown: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** The status as `/status.server` shows it on a client site. */
  view(): LicenseServerView {
    return serverView(this.current, this.options.clock());
  }

  /** The setting in force: runtime (stored) wins over config; `off` is local licensing. */
  effective(stored: StoredClient): { source: ServerConnection['source']; setting?: ServerSetting } {
    if (stored.mode === 'off') return { source: 'none' };
    if (stored.mode === 'runtime' && stored.setting) return { source: 'runtime', setting: stored.setting };
    if (this.options.settings.config) return { source: 'config', setting: this.options.settings.config };
    return { source: 'none' };
  }

  /** `GET /server`: the connection without its credential. */
  async connection(): Promise<ServerConnection> {
    const { source, setting } = this.effective(await this.options.store.read());
    return { url: setting?.url ?? null, modules: setting ? [...setting.modules] : [], quota: setting ? { ...setting.quota } : {}, source };
  }

  /** Reads the stored state (a lease taken before a restart holds until its grace ends). */
  async load(): Promise<void> {
    this.apply((await this.options.store.read()).state);
  }

  /** Leases now (in the background), then renews every renewInterval. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number) {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch(e => this.options.logger.warn(`License server: the lease renewal failed: ${(e as Error).message}`, e as Error))
        .finally(() => this.schedule(this.options.settings.renewIntervalMs));
    }, ms);
    this.timer.unref?.();
  }

  /** One attempt: lease or renew from the server in force (or go back to not-configured), store and record what changed. */
  async tick(): Promise<void> {
    const { store, settings, clock } = this.options;
    const stored = await store.read();
    const { setting } = this.effective(stored);
    if (!setting) {
      if (stored.state.status !== 'not-configured') await this.save(NOT_CONFIGURED, [], stored);
      else this.apply(stored.state);
      return;
    }
    // Another server than the stored state's (config changed): start afresh.
    const prev = stored.state.url === setting.url ? stored.state : NOT_CONFIGURED;
    const outcome = await requestLease(setting, Math.min(settings.renewIntervalMs, 10_000));
    if (outcome.ttlMs !== undefined && outcome.ttlMs <= settings.renewIntervalMs && !this.warnedTtl) {
      this.warnedTtl = true;
      this.options.logger.warn(
        `License server ${setting.url} keeps a lease about ${Math.round(outcome.ttlMs / 1000)} s without a renewal, but this site renews every ${settings.renewIntervalMs / 1000} s: the lease may end between renewals and its quota go to another site. Set licenseManagement.server.renewInterval below the server's leaseTtl.`,
      );
    }
    const next = nextLeaseState(prev, outcome, clock(), settings.graceMs, setting.url);
    await this.save(next.state, next.events, stored);
  }

  private async save(state: ClientLeaseState, events: readonly ClientEvent[], stored: StoredClient): Promise<void> {
    const time = this.options.clock();
    const records: NewRecord[] = events.map(event => ({
      time,
      action: 'server',
      method: 'server',
      quota: event === 'lease-lost' ? { ...(stored.state.lease?.quota ?? {}) } : { ...(state.lease?.quota ?? {}) },
      actor: CLIENT_ACTOR,
      detail: recordDetail(clientEventDetail(event, event === 'lease-lost' ? { ...state, lease: stored.state.lease } : state)),
    }));
    for (const event of events) this.options.logger.info(`License server: ${clientEventDetail(event, state)}`);
    if (await this.options.store.saveState(state, stored.version, records)) {
      this.apply(state);
    } else {
      // Another replica wrote first: take what it stored.
      this.apply((await this.options.store.read()).state);
    }
  }

  private apply(state: ClientLeaseState) {
    const before = this.current;
    this.current = state;
    if (JSON.stringify(before) === JSON.stringify(state)) return;
    const shown = (s: ClientLeaseState) => JSON.stringify([s.status, s.url, s.lease, s.message]);
    for (const listener of this.listeners) listener(shown(before) !== shown(state));
  }

  /**
   * `PUT /server`: stores the setting (replacing the earlier one, winning over
   * config), gives back a lease held from another server, and leases at once.
   */
  async connect(setting: ServerSetting, actor: string): Promise<LicenseServerView> {
    const stored = await this.options.store.read();
    await this.releaseHeld(stored, setting.url);
    const terms = `${setting.modules.length ? `modules ${setting.modules.join(', ')}` : 'no modules'}; ${
      Object.keys(setting.quota).length ? `quota ${Object.entries(setting.quota).map(([m, n]) => `${m}=${n}`).join(', ')}` : 'no quota'
    }`;
    await this.options.store.setSetting('runtime', setting, this.options.clock(), actor, {
      time: this.options.clock(),
      action: 'server',
      method: 'server',
      quota: setting.quota,
      actor,
      detail: recordDetail(`Server licensing set: lease from ${setting.url} (${terms}).`),
    });
    await this.tick();
    return this.view();
  }

  /** `DELETE /server`: back to local licensing (config or not); the lease is given back. */
  async disconnect(actor: string): Promise<void> {
    const stored = await this.options.store.read();
    await this.releaseHeld(stored);
    await this.options.store.setSetting('off', null, this.options.clock(), actor, {
      time: this.options.clock(),
      action: 'server',
      method: 'server',
      actor,
      detail: recordDetail('Server licensing turned off: this portal runs on its local licenses again.'),
    });
    await this.tick();
  }

  private async releaseHeld(stored: StoredClient, unlessUrl?: string) {
    const { setting } = this.effective(stored);
    if (!setting || !stored.state.lease || setting.url === unlessUrl) return;
    await releaseLease(setting, 5000);
  }
}
