/**
 * A client site of a license server (PRODUCT.md §2.6): what its lease
 * licenses, how long it holds without the server, and what each answer of
 * the server (or the lack of one) does to its state. Pure: the backend's
 * LeaseClient talks HTTP, stores the state and asks these functions.
 *
 * The lease is licensed through the same {@link evaluateLicenses} as local
 * licenses: it becomes synthetic licenses in force (a Base of the leased
 * edition, a Plus per leased module, method `server`, quotas the leased
 * quota) that are evaluated instead of the local ones.
 */
import type { LicenseCatalog } from './catalog';
import { type Evaluation, type EvaluationInput, evaluateLicenses } from './evaluate';
import type { InstalledLicense, LicenseException, LicenseServerView } from './types';

/** What a license server granted (`PUT /sharing/lease` → 200), as the client keeps it. */
export interface HeldLease {
  /** The server's Base edition in force. */
  edition: string;
  modules: readonly string[];
  quota: Readonly<Record<string, number>>;
}

/** The client site's state, stored and shared by its replicas. Times in ms. */
export interface ClientLeaseState {
  /** `not-configured` when server licensing is off (no `licenseManagement.server`, or `DELETE /server`). */
  status: 'not-configured' | 'connected' | 'disconnected' | 'refused';
  /** The license server it leases from. */
  url: string | null;
  /** The lease it holds; null when it holds none (never granted, refused, lost after the grace). */
  lease: HeldLease | null;
  /** The last successful lease or renewal. */
  lastContactAt: number | null;
  /** The lease holds until then: lastContactAt + grace. */
  graceUntil: number | null;
  /** What the status means; for `refused`, the server's reason; for `disconnected`, the error. */
  message: string | null;
}

export const NOT_CONFIGURED: ClientLeaseState = {
  status: 'not-configured',
  url: null,
  lease: null,
  lastContactAt: null,
  graceUntil: null,
  message: null,
};

/** What one attempt to lease or renew came to. */
export type LeaseOutcome =
  /** 200: the server granted or renewed the lease. */
  | { kind: 'leased'; lease: HeldLease }
  /** No answer: a network error, a time-out, 5xx (or 429). The lease holds until graceUntil. */
  | { kind: 'unreachable'; reason: string }
  /** The server answered no: 401 (bad or revoked credential), 409 (quota, modules), 404 (no sharing)… */
  | { kind: 'refused'; reason: string };

/** What changed, for the client's records (action `server`). */
export type ClientEvent = 'connected' | 'reconnected' | 'disconnected' | 'refused' | 'lease-lost' | 'changed';

/** The instant a lease renewed at `lastContact` stops holding without the server. */
export const graceUntilOf = (lastContact: number, graceMs: number): number => lastContact + graceMs;

/** The lease that licenses the site at `at`: held, and its grace not over. */
export function leaseInForce(state: ClientLeaseState, at: number): HeldLease | undefined {
  if (state.status === 'not-configured' || !state.lease || state.graceUntil === null) return undefined;
  return at < state.graceUntil ? state.lease : undefined;
}

const sameLease = (a: HeldLease | null, b: HeldLease | null) =>
  JSON.stringify(a && [a.edition, [...a.modules].sort(), Object.entries(a.quota).sort()]) ===
  JSON.stringify(b && [b.edition, [...b.modules].sort(), Object.entries(b.quota).sort()]);

/**
 * The next state after an attempt at `now`, and what to record. A success
 * moves `graceUntil` to now + grace. A failure to reach the server keeps the
 * lease until `graceUntil` (first failure: `disconnected`). A refusal is the
 * server's word that the site holds no lease: the lease ends at once (a
 * revoked site does not run on for the grace), `refused` with the reason.
 */
export function nextLeaseState(
  prev: ClientLeaseState,
  outcome: LeaseOutcome,
  now: number,
  graceMs: number,
  url: string,
): { state: ClientLeaseState; events: ClientEvent[] } {
  const events: ClientEvent[] = [];
  const held = leaseInForce(prev, now) ? prev.lease : null;
  if (prev.lease && !held) events.push('lease-lost');
  if (outcome.kind === 'leased') {
    if (prev.status === 'connected') {
      if (!sameLease(prev.lease, outcome.lease)) events.push('changed');
    } else {
      events.push(prev.lastContactAt === null ? 'connected' : 'reconnected');
    }
    return {
      state: {
        status: 'connected',
        url,
        lease: outcome.lease,
        lastContactAt: now,
        graceUntil: graceUntilOf(now, graceMs),
        message: null,
      },
      events,
    };
  }
  if (outcome.kind === 'refused') {
    if (prev.status !== 'refused' || prev.message !== outcome.reason) events.push('refused');
    if (held) events.push('lease-lost');
    return {
      state: { status: 'refused', url, lease: null, lastContactAt: prev.lastContactAt, graceUntil: null, message: outcome.reason },
      events,
    };
  }
  // Unreachable: a refused site stays refused (it holds no lease) until the server answers again.
  const status = prev.status === 'refused' ? 'refused' : 'disconnected';
  if (status === 'disconnected' && prev.status !== 'disconnected') events.push('disconnected');
  return {
    state: {
      status,
      url,
      lease: held,
      lastContactAt: prev.lastContactAt,
      graceUntil: held ? prev.graceUntil : null,
      message: status === 'refused' ? prev.message : outcome.reason,
    },
    events,
  };
}

/** The state at `now` once the grace has run out without the server: the lease dropped, or unchanged. */
export function afterGrace(state: ClientLeaseState, now: number): { state: ClientLeaseState; events: ClientEvent[] } {
  if (!state.lease || state.status === 'not-configured' || leaseInForce(state, now)) return { state, events: [] };
  return { state: { ...state, lease: null, graceUntil: null }, events: ['lease-lost'] };
}

/** The id of the synthetic license of a leased slot. */
export const leasedLicenseId = (slot: string) => `server:${slot}`;

/**
 * The lease as licenses in force until `graceUntil`: a Base of the leased
 * edition and a Plus per leased module, method `server`, bound to the server's
 * URL. Each leased metric's quota goes to the license of its slot (the Base
 * when its module is not leased: it is counted, but its feature is not licensed).
 */
export function leasedLicenses(
  lease: HeldLease,
  times: { url: string; lastContactAt: number; graceUntil: number },
  catalog: LicenseCatalog,
): InstalledLicense[] {
  const license = (type: 'base' | 'plus', item: string, uploadSeq: number): InstalledLicense => ({
    id: leasedLicenseId(type === 'base' ? 'base' : item),
    type,
    item,
    method: 'server',
    keyId: times.url,
    issuer: times.url,
    quota: {},
    issuedAt: times.lastContactAt,
    expiresAt: times.graceUntil,
    uploadedAt: times.lastContactAt,
    uploadSeq,
  });
  const base = license('base', lease.edition, 0);
  const plus = new Map(lease.modules.map((m, i) => [m, license('plus', m, i + 1)]));
  for (const [metric, n] of Object.entries(lease.quota)) {
    if (!(n > 0)) continue;
    const holder = plus.get(catalog.slotOfMetric(metric) ?? 'base') ?? base;
    holder.quota = { ...holder.quota, [metric]: n };
  }
  return [base, ...plus.values()];
}

/** LICENSE_SERVER_DISCONNECTED while the site cannot reach its server, or the server refuses it. */
export function serverException(state: ClientLeaseState, at: number): LicenseException | undefined {
  const iso = (ms: number) => new Date(ms).toISOString();
  if (state.status === 'disconnected') {
    const holds = leaseInForce(state, at);
    const since = state.lastContactAt !== null ? ` since ${iso(state.lastContactAt)}` : '';
    const what = holds
      ? `the lease holds until ${iso(state.graceUntil!)}; after that this portal has no license`
      : 'this portal has no license until it reaches the server';
    return {
      code: 'LICENSE_SERVER_DISCONNECTED',
      message: `The license server ${state.url} cannot be reached${since} (${state.message ?? 'no answer'}): ${what}. It retries by itself; check the network and the server.`,
    };
  }
  if (state.status === 'refused') {
    return {
      code: 'LICENSE_SERVER_DISCONNECTED',
      message: `The license server ${state.url} refused this site: ${state.message ?? 'no reason given'}. This portal has no license from it; it retries by itself. Ask the server's admin, or connect with another credential or smaller terms.`,
    };
  }
  return undefined;
}

/**
 * The portal's evaluation on a client site: while server licensing is on,
 * the lease (until its grace ends, then nothing: `community`) is evaluated
 * through {@link evaluateLicenses} in place of the local licenses, which
 * neither count nor warn; no expiry warning for the lease (it is renewed, and
 * LICENSE_SERVER_DISCONNECTED says when it would end). Off: `input` as is.
 */
export function evaluateClientSite(input: EvaluationInput, state: ClientLeaseState | undefined): Evaluation {
  if (!state || state.status === 'not-configured') return evaluateLicenses(input);
  const at = Math.max(input.now, input.highWaterMark ?? 0);
  const lease = leaseInForce(state, at);
  const licenses =
    lease && state.url && state.lastContactAt !== null && state.graceUntil !== null
      ? leasedLicenses(lease, { url: state.url, lastContactAt: state.lastContactAt, graceUntil: state.graceUntil }, input.catalog)
      : [];
  const evaluation = evaluateLicenses({ ...input, licenses, tampered: input.tampered, usbKey: undefined, expiryWarningDays: 0 });
  const exception = serverException(state, at);
  return exception ? { ...evaluation, exceptions: [...evaluation.exceptions, exception] } : evaluation;
}

/** `/status.server` on a client site. */
export function serverView(state: ClientLeaseState, at: number): LicenseServerView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const messages: Record<ClientLeaseState['status'], string | null> = {
    'not-configured': null,
    connected: `Licensed by the license server ${state.url}; the lease is renewed by itself.`,
    disconnected: serverException(state, at)?.message ?? null,
    refused: state.message,
  };
  return {
    status: state.status,
    url: state.url,
    lastContactAt: iso(state.lastContactAt),
    graceUntil: iso(leaseInForce(state, at) ? state.graceUntil : null),
    message: messages[state.status],
  };
}

/** The detail of a client record (action `server`), one sentence. */
export function clientEventDetail(event: ClientEvent, state: ClientLeaseState): string {
  const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
  const terms = state.lease
    ? `edition ${state.lease.edition}; ${state.lease.modules.length ? `modules ${state.lease.modules.join(', ')}` : 'no modules'}; ${
        Object.keys(state.lease.quota).length
          ? `quota ${Object.entries(state.lease.quota).map(([m, n]) => `${m}=${n}`).join(', ')}`
          : 'no quota'
      }`
    : 'no lease';
  const words: Record<ClientEvent, string> = {
    connected: `Connected to the license server ${state.url}: ${terms}.`,
    reconnected: `Reconnected to the license server ${state.url}: ${terms}.`,
    changed: `The lease from ${state.url} changed: ${terms}.`,
    disconnected: `The license server ${state.url} cannot be reached (${state.message}); the lease holds until ${iso(state.graceUntil)}.`,
    refused: `The license server ${state.url} refused this site: ${state.message}.`,
    'lease-lost': `The lease from ${state.url} was lost: this portal has no license from the server until it leases again.`,
  };
  return words[event];
}
