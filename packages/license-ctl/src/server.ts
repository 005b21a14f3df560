import { AdminClient, type ClientOptions } from './client';
import { CliError, UsageError } from './errors';
import type { Output } from './output';

/** `PUT /server`'s answer: the connection (never the credential) and how the first lease went. */
interface ConnectAnswer {
  url: string;
  modules: string[];
  quota: Record<string, number>;
  source: string;
  server?: { status: string; message: string | null; graceUntil: string | null };
}

export interface ConnectOptions {
  serverUrl: string;
  credential?: string;
  module?: string[];
  quota?: string;
}

/** `--quota METRIC=N[,METRIC=N]...` → { metric: n }; bad usage otherwise. */
export function parseQuota(spec: string | undefined): Record<string, number> {
  const quota: Record<string, number> = {};
  if (spec === undefined) return quota;
  for (const part of spec.split(',')) {
    const m = /^([\w.-]+)=(\d+)$/.exec(part.trim());
    if (!m) throw new UsageError(`--quota '${spec}': use METRIC=N[,METRIC=N]..., e.g. hosts=5,vmware-cpus=16.`);
    quota[m[1]] = Number(m[2]);
  }
  return quota;
}

/**
 * `server connect --server-url URL --credential C [--module M]... [--quota
 * METRIC=N,...]`: makes this portal a client site of the license server at
 * URL (stored in its database, replacing the earlier setting and winning over
 * config) and says how the first lease went. The credential may come from
 * LICENSE_CTL_SITE_CREDENTIAL instead, to keep it out of the shell history.
 * A refusal or no answer is exit 1: the setting stays, and the site retries.
 */
export async function connect(opts: ClientOptions, o: ConnectOptions, out: Output) {
  const credential = o.credential ?? process.env.LICENSE_CTL_SITE_CREDENTIAL;
  if (!credential) {
    throw new UsageError('No credential: pass --credential C (or set LICENSE_CTL_SITE_CREDENTIAL), the one `license-ctl sharing add-site` printed on the server.');
  }
  const body = { url: o.serverUrl, credential, modules: o.module ?? [], quota: parseQuota(o.quota) };
  const answer = await new AdminClient(opts).json<ConnectAnswer>('PUT', '/server', body);
  const status = answer.server?.status ?? 'unknown';
  if (status === 'connected') {
    out.line(`connected to the license server ${answer.url}: this portal runs on its lease (renewed by itself)`);
    if (answer.server?.graceUntil) out.line(`the lease holds without the server until ${answer.server.graceUntil}`);
    return;
  }
  throw new CliError(
    `server licensing is set to ${answer.url}, but the server ${status === 'refused' ? 'refused' : 'did not answer'}: ${answer.server?.message ?? status}. The portal retries by itself; 'license-ctl status' shows when it connects, 'license-ctl server disconnect' goes back to local licensing.`,
  );
}

/** `server disconnect`: back to the local licenses (config or not); the lease is given back. */
export async function disconnect(opts: ClientOptions, out: Output) {
  await new AdminClient(opts).json('DELETE', '/server');
  out.line('server licensing is off: this portal runs on its local licenses again');
}
