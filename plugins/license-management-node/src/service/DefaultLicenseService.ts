import type {
  CheckRequest,
  CheckResult,
  LicenseStatus,
} from '@backstage-licensing/plugin-license-management-common';
import { toBackstageError } from './errors';
import { LicenseApiClient } from './LicenseApiClient';
import type { LicenseEngineRegistry } from './licenseEngineRegistry';
import type { LicenseService, LicenseEngine } from './types';

export interface DefaultLicenseServiceOptions {
  /** The engine registry of this backend. */
  registry: LicenseEngineRegistry;
  /** Whether this backend runs the `license-management` plugin. */
  isLocal: () => Promise<boolean>;
  /** Used when the plugin runs in another backend. */
  client: Pick<LicenseApiClient, 'check' | 'getStatus' | 'reportUsage'>;
  /** The id of the plugin that uses the service: reports are stored as `plugin:<id>`. */
  pluginId: string;
}

/**
 * The default `LicenseService`: the in-memory engine when the
 * `license-management` plugin runs in this backend, the HTTP API otherwise.
 * Which one is decided on the first call; from then on an in-process check is
 * one method call on the engine's snapshot.
 */
export class DefaultLicenseService implements LicenseService {
  private engine?: LicenseEngine;
  private resolved?: Promise<LicenseEngine | undefined>;

  constructor(private readonly options: DefaultLicenseServiceOptions) {}

  async check(request: CheckRequest): Promise<CheckResult> {
    const engine = this.engine ?? (await this.resolve());
    if (!engine) return this.options.client.check(request);
    try {
      return engine.check(request);
    } catch (e) {
      // The same error classes in process as over HTTP (an InputError for a malformed request).
      throw toBackstageError(e);
    }
  }

  async getStatus(): Promise<LicenseStatus> {
    const engine = this.engine ?? (await this.resolve());
    return engine ? engine.status() : this.options.client.getStatus();
  }

  async reportUsage(metric: string, used: number): Promise<void> {
    const engine = this.engine ?? (await this.resolve());
    if (engine) {
      await engine.reportUsage(metric, used, `plugin:${this.options.pluginId}`).catch(e => {
        throw toBackstageError(e);
      });
    } else {
      await this.options.client.reportUsage(metric, used);
    }
  }

  /** The local engine (waiting for the plugin to start if it runs here), or undefined. */
  private resolve(): Promise<LicenseEngine | undefined> {
    this.resolved ??= (async () => {
      const { registry, isLocal } = this.options;
      const engine = registry.get() ?? ((await isLocal()) ? await registry.whenRegistered() : undefined);
      this.engine = engine;
      return engine;
    })();
    return this.resolved;
  }
}
