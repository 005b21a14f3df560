import type {
  DiscoveryApi,
  FetchApi,
  IdentityApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  isGzip,
  type CheckRequest,
  type CheckResult,
  type LicenseStatus,
  type LicenseView,
  type RecordPage,
  type ReinstateResult,
  type UploadResult,
  type UsageView,
  type ServerConnection,
  type SharingPool,
} from '@backstage-licensing/plugin-license-management-common';
import type {
  LicenseManagementApi,
  RecordQuery,
  ReinstateOptions,
  RequestKeyFile,
  UploadOptions,
} from './LicenseManagementApi';
import { sendWithProgress } from './sendWithProgress';
import type {
  RegisteredSite,
  ServerConnectRequest,
  ServerConnectResult,
  SharingPoolItem,
  SharingSite,
} from './serverLicensing';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

export interface LicenseManagementClientOptions {
  discoveryApi: DiscoveryApi;
  fetchApi: FetchApi;
  /**
   * Lets uploads report progress: browsers report upload progress only for
   * XMLHttpRequest, which then carries the user's token itself. Without it,
   * uploads go through `fetchApi` and report no progress.
   */
  identityApi?: Pick<IdentityApi, 'getCredentials'>;
}

/** The bytes of a file (FileReader where Blob.arrayBuffer is missing, as in jsdom). */
function readBlob(blob: Blob): Promise<ArrayBuffer> {
  if (typeof blob.arrayBuffer === 'function') return blob.arrayBuffer();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(new Error(`The file could not be read: ${reader.error?.message ?? 'unknown error'}.`));
    reader.readAsArrayBuffer(blob);
  });
}

/** Talks to the License Management backend through `discoveryApi` and `fetchApi`. */
export class LicenseManagementClient implements LicenseManagementApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;
  private readonly identityApi?: Pick<IdentityApi, 'getCredentials'>;

  constructor(options: LicenseManagementClientOptions) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
    this.identityApi = options.identityApi;
  }

  getStatus(): Promise<LicenseStatus> {
    return this.json('/status');
  }

  listLicenses(): Promise<LicenseView[]> {
    return this.json('/licenses');
  }

  async uploadLicense(file: Blob, options: UploadOptions = {}): Promise<UploadResult> {
    const url = `${await this.baseUrl()}/licenses${options.acknowledge ? '?acknowledge=true' : ''}`;
    // The raw file as the body; the server tells text from .tar.gz by content.
    const body = new Uint8Array(await readBlob(file));
    const contentType = isGzip(body) ? 'application/gzip' : 'text/plain';
    let response: Response;
    if (options.onProgress && this.identityApi && typeof XMLHttpRequest !== 'undefined') {
      const { token } = await this.identityApi.getCredentials();
      response = await sendWithProgress({
        method: 'POST',
        url,
        body,
        contentType,
        token,
        onProgress: options.onProgress,
        signal: options.signal,
      });
    } else {
      response = await this.fetchApi.fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': contentType },
        body,
        signal: options.signal,
      });
    }
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response.json();
  }

  async deleteLicense(id: string): Promise<void> {
    await this.request(`/licenses/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }

  reinstateLicense(id: string, options: ReinstateOptions = {}): Promise<ReinstateResult> {
    return this.json(`/licenses/${encodeURIComponent(id)}/reinstate${options.acknowledge ? '?acknowledge=true' : ''}`, {
      method: 'POST',
    });
  }

  reload(): Promise<LicenseStatus> {
    return this.json('/reload', { method: 'POST' });
  }

  async getKeyId(): Promise<string> {
    const { keyId } = await this.json<{ keyId: string }>('/key-id');
    return keyId;
  }

  async downloadRequestKey(): Promise<RequestKeyFile> {
    const response = await this.request('/request-key');
    const text = await response.text();
    // The server names the file; a cross-origin browser sees that header only
    // when CORS exposes it, so the Key ID inside the file names it otherwise.
    const disposition = response.headers.get('content-disposition') ?? '';
    const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
    const keyId = /^#\s*Key ID:\s*(\S+)/m.exec(text);
    let fileName = 'request-key.txt';
    if (named) fileName = decodeURIComponent(named[1]);
    else if (keyId) fileName = `request-key-${keyId[1]}.txt`;
    return { fileName, content: new Blob([text], { type: 'text/plain' }) };
  }

  getRecords(query: RecordQuery = {}): Promise<RecordPage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    }
    const qs = params.toString();
    return this.json(`/records${qs ? `?${qs}` : ''}`);
  }

  async getUsage(): Promise<UsageView[]> {
    const { items } = await this.json<{ items: UsageView[] }>('/usage');
    return items;
  }

  check(request: CheckRequest): Promise<CheckResult> {
    return this.json('/check', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify(request),
    });
  }

  getServerConnection(): Promise<ServerConnection> {
    return this.json('/server');
  }

  connectServer(request: ServerConnectRequest): Promise<ServerConnectResult> {
    return this.json('/server', { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify(request) });
  }

  async disconnectServer(): Promise<void> {
    await this.request('/server', { method: 'DELETE' });
  }

  listSharingSites(): Promise<SharingSite[]> {
    return this.json('/sharing/sites');
  }

  registerSharingSite(name: string): Promise<RegisteredSite> {
    return this.json('/sharing/sites', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ name }) });
  }

  async revokeSharingSite(id: string): Promise<void> {
    await this.request(`/sharing/sites/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }

  async getSharingPool(): Promise<SharingPoolItem[]> {
    const { items } = await this.json<SharingPool>('/sharing/pool');
    return items;
  }

  private baseUrl(): Promise<string> {
    return this.discoveryApi.getBaseUrl('license-management');
  }

  private async request(path: string, init?: RequestInit): Promise<Response> {
    const response = await this.fetchApi.fetch(`${await this.baseUrl()}${path}`, init);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response;
  }

  private async json<T>(path: string, init?: RequestInit): Promise<T> {
    return (await this.request(path, init)).json();
  }
}
