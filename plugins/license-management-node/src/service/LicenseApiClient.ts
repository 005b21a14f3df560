import type { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import type {
  CheckRequest,
  CheckResult,
  LicenseStatus,
} from '@backstage-licensing/plugin-license-management-common';

const PLUGIN_ID = 'license-management';

/** Errors of the API that callers may handle by type, rebuilt as the same classes as in process. */
const KNOWN_ERRORS: Record<string, new (message: string) => Error> = {
  InputError,
  AuthenticationError,
  NotAllowedError,
  NotFoundError,
  ConflictError,
};

/**
 * Calls the HTTP API of the `license-management` plugin of another backend
 * with this plugin's service credentials.
 */
export class LicenseApiClient {
  constructor(
    private readonly options: { auth: AuthService; discovery: DiscoveryService },
  ) {}

  async check(request: CheckRequest): Promise<CheckResult> {
    return this.call('POST', '/check', request);
  }

  async getStatus(): Promise<LicenseStatus> {
    return this.call('GET', '/status');
  }

  async reportUsage(metric: string, used: number): Promise<void> {
    await this.call('PUT', `/usage/${encodeURIComponent(metric)}`, { used });
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { auth, discovery } = this.options;
    const [baseUrl, { token }] = await Promise.all([
      discovery.getBaseUrl(PLUGIN_ID),
      auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: PLUGIN_ID,
      }),
    ]);
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) {
      const error = await ResponseError.fromResponse(response);
      const Known = KNOWN_ERRORS[error.body?.error?.name];
      throw Known ? new Known(error.body.error.message) : error;
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}
