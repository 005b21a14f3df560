import { createBackend } from '@backstage/backend-defaults';
import {
  type BackendFeature,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';

import { freePort } from '../../support/processGroup';

export { freePort };

export const BENCH_TOKEN = 'bench-static-token-0123456789abcdef';

export interface InProcessBackend {
  url: string;
  /** Calls the license-management API with the static service token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * Starts a Backstage backend in this process (backend-defaults, as the portal
 * does) on 127.0.0.1 with the License Management plugin and `features`.
 * `database` is the `backend.database` config; vendor keys are trusted.
 */
export async function startInProcessBackend(options: {
  database: Record<string, unknown>;
  vendorPublicKeyPem: string;
  features?: BackendFeature[];
  licenseManagement?: Record<string, unknown>;
}): Promise<InProcessBackend> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = new ConfigReader({
    app: { baseUrl: 'http://127.0.0.1:3000' },
    backend: {
      baseUrl: url,
      listen: { host: '127.0.0.1', port },
      database: options.database,
      auth: { externalAccess: [{ type: 'static', options: { token: BENCH_TOKEN, subject: 'bench' } }] },
    },
    permission: { enabled: false },
    licenseManagement: {
      vendorKeys: [{ kid: 'bench-vendor', publicKey: options.vendorPublicKeyPem }],
      ...options.licenseManagement,
    },
  } as any);
  const backend = createBackend();
  backend.add(createServiceFactory({ service: coreServices.rootConfig, deps: {}, factory: () => config }));
  backend.add(import('@backstage-licensing/plugin-license-management-backend'));
  for (const f of options.features ?? []) backend.add(f);
  await backend.start();
  return {
    url,
    api: (path, init = {}) =>
      fetch(`${url}/api/license-management${path}`, {
        ...init,
        headers: { authorization: `Bearer ${BENCH_TOKEN}`, ...(init.headers as Record<string, string>) },
      }),
    stop: () => backend.stop(),
  };
}
