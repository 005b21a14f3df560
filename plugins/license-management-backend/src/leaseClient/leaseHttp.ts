import type { HeldLease, LeaseOutcome } from '@backstage-licensing/plugin-license-management-common';
import { baseUrlOf } from './config';
import type { ServerSetting } from './LeaseClientStore';

/** The lease route of a license server, below its backend base URL. */
export const leaseUrlOf = (url: string) => `${baseUrlOf(url)}/api/license-management/sharing/lease`;

/** Why a request got no answer, in a few words: the system error code and message, or the time-out. */
function reasonOf(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const cause = e?.cause;
  if (cause?.message) return cause.message;
  return e?.message ?? String(error);
}

async function serverMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text);
    const message = body?.error?.message ?? body?.message;
    if (typeof message === 'string' && message) return `${res.status}: ${message.slice(0, 500)}`;
  } catch {
    // not JSON
  }
  return `HTTP ${res.status} ${res.statusText}`.trim();
}

/**
 * Takes or renews this site's lease (`PUT /sharing/lease` with the site
 * credential). No answer, 5xx or 429: `unreachable`; any other refusal
 * (401 credential, 409 quota or modules, 404 no sharing there): `refused`
 * with the server's words.
 */
export async function requestLease(setting: ServerSetting, timeoutMs: number): Promise<LeaseOutcome & { ttlMs?: number }> {
  let res: Response;
  try {
    res = await fetch(leaseUrlOf(setting.url), {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${setting.credential}` },
      body: JSON.stringify({ modules: setting.modules, quota: setting.quota }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { kind: 'unreachable', reason: reasonOf(error, timeoutMs) };
  }
  if (res.status >= 500 || res.status === 429) return { kind: 'unreachable', reason: await serverMessage(res) };
  if (res.status !== 200) return { kind: 'refused', reason: await serverMessage(res) };
  let body: any;
  try {
    body = await res.json();
  } catch {
    return { kind: 'unreachable', reason: 'the answer was not JSON: is the URL the license server portal\'s backend?' };
  }
  if (typeof body?.edition !== 'string' || !Array.isArray(body.modules) || typeof body.quota !== 'object' || !body.quota) {
    return { kind: 'unreachable', reason: 'the answer was not a lease: is the URL the license server portal\'s backend?' };
  }
  const lease: HeldLease = { edition: body.edition, modules: body.modules.map(String), quota: { ...body.quota } };
  // How long the server keeps the lease without a renewal: its expiry against its own clock (the Date header).
  const ttlMs = Date.parse(body.expiresAt) - Date.parse(res.headers.get('date') ?? '');
  return { kind: 'leased', lease, ...(Number.isFinite(ttlMs) ? { ttlMs } : {}) };
}

/** Gives the lease back (`DELETE /sharing/lease`), best effort: the server's TTL ends it anyway. */
export async function releaseLease(setting: ServerSetting, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(leaseUrlOf(setting.url), {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${setting.credential}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status === 204;
  } catch {
    return false;
  }
}
