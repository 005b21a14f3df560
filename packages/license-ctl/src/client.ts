import { CliError, DowngradeRefusedError, UsageError } from './errors';

export interface ClientOptions {
  url: string;
  token?: string;
}

/** Calls the license-management backend with an external-access token. */
export class AdminClient {
  private readonly base: string;
  private readonly token: string;

  constructor(options: ClientOptions) {
    const token = options.token ?? process.env.LICENSE_CTL_TOKEN;
    if (!token) {
      throw new UsageError('No token: pass --token TOKEN or set LICENSE_CTL_TOKEN to a Backstage external-access token.');
    }
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new UsageError(`--url '${options.url}' is not a URL (e.g. http://localhost:7007).`);
    }
    this.base = `${url.toString().replace(/\/+$/, '')}/api/license-management`;
    this.token = token;
  }

  async request(method: string, path: string, body?: { bytes: Uint8Array; type: string } | object): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    let payload: BodyInit | undefined;
    if (body && 'bytes' in body && body.bytes instanceof Uint8Array) {
      headers['content-type'] = (body as { type: string }).type;
      payload = body.bytes;
    } else if (body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, { method, headers, body: payload });
    } catch (e) {
      // undici hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, 'bad port', ...).
      const c = (e as { cause?: { code?: string; message?: string } }).cause;
      const cause = c?.code ?? c?.message ?? (e as Error).message;
      throw new CliError(`cannot reach the backend at ${this.base} (${cause}); start it or pass --url.`);
    }
    if (!res.ok) {
      let message = `${res.status} ${res.statusText}`;
      let consequences: unknown;
      try {
        const data = (await res.json()) as { error?: { message?: string; consequences?: unknown }; consequences?: unknown };
        if (data?.error?.message) message = data.error.message;
        consequences = data?.consequences ?? data?.error?.consequences;
      } catch {
        // not a JSON error body
      }
      if (res.status === 409 && Array.isArray(consequences) && consequences.length > 0) {
        // A downgrade that was not acknowledged: the message, then each consequence.
        throw new DowngradeRefusedError(`${message} (HTTP 409)`, consequences.map(c => String(c)));
      }
      const hint = res.status === 401 ? ' Check --token / LICENSE_CTL_TOKEN.' : '';
      throw new CliError(`${message} (HTTP ${res.status}).${hint}`);
    }
    return res;
  }

  async json<T>(method: string, path: string, body?: object): Promise<T> {
    const res = await this.request(method, path, body);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }
}
