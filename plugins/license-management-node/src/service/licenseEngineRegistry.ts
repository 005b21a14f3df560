import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import type { LicenseEngine } from './types';

/**
 * Where the License Management plugin of a backend leaves its in-memory
 * engine for the other plugins of the same backend. One per backend (root
 * scope), so two backends in one process do not see each other's.
 *
 * @public
 */
export interface LicenseEngineRegistry {
  /** Called once by the License Management plugin when it has started. */
  register(engine: LicenseEngine): void;
  /** The engine, once registered. */
  get(): LicenseEngine | undefined;
  /** Resolves with the engine when it is registered. */
  whenRegistered(): Promise<LicenseEngine>;
}

/** @internal */
export class DefaultLicenseEngineRegistry implements LicenseEngineRegistry {
  private engine?: LicenseEngine;
  private readonly registered: Promise<LicenseEngine>;
  private resolve!: (engine: LicenseEngine) => void;

  constructor() {
    this.registered = new Promise(r => {
      this.resolve = r;
    });
  }

  register(engine: LicenseEngine): void {
    if (this.engine) throw new Error('A License Management engine is already registered in this backend');
    this.engine = engine;
    this.resolve(engine);
  }

  get(): LicenseEngine | undefined {
    return this.engine;
  }

  whenRegistered(): Promise<LicenseEngine> {
    return this.registered;
  }
}

/**
 * Internal to License Management: the backend plugin registers its engine
 * here and `licenseServiceRef` finds it. Other plugins use `licenseServiceRef`.
 *
 * @public
 */
export const licenseEngineRegistryServiceRef = createServiceRef<LicenseEngineRegistry>({
  id: 'license-management.engine-registry',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {},
      factory: () => new DefaultLicenseEngineRegistry(),
    }),
});
