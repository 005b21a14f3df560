import { isIPv6 } from 'node:net';
import { AuthenticationError } from '@backstage/errors';
import type { Request, Response } from 'express';

/**
 * The limit on failed credential checks of the lease routes, per client
 * address and per replica (each replica counts on its own).
 */
export const LEASE_AUTH_LIMIT = {
  /** Failed credential checks (401) an address may make in one window; more are 429. */
  failures: 20,
  /** The window, from an address's first failure in it. */
  windowMs: 60_000,
  /** Addresses remembered at most; the one seen longest ago is forgotten first. */
  addresses: 10_000,
} as const;

export type LeaseAuthLimitSettings = { failures: number; windowMs: number; addresses: number };

/** The 429 of a limited address: Backstage's error body with this status; the router sets Retry-After. */
export class TooManyFailuresError extends Error {
  readonly name = 'TooManyRequestsError';
  readonly statusCode = 429;
}

/**
 * What the limit is kept by: an IPv4 address as is (also when IPv4-mapped,
 * `::ffff:10.0.0.1`), an IPv6 address by its /64 (one host usually has the
 * whole /64), anything else as is.
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  const address = ip.replace(/%.*$/, '');
  if (!isIPv6(address)) return ip;
  const [head, tail] = address.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const width = (parts: string[]) => parts.reduce((n, p) => n + (p.includes('.') ? 2 : 1), 0);
  const first = groups(head);
  const zeros = tail === undefined ? [] : Array(8 - width(first) - width(groups(tail))).fill('0');
  const full = [...first, ...zeros, ...groups(tail)];
  return `${full.slice(0, 4).map(g => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

/**
 * Counts failed credential checks per client address in a fixed window from
 * the first failure; an address with `failures` of them waits until its
 * window ends. Bounded: at most `addresses` entries (the least recently seen
 * goes first), and an entry whose window ended is dropped when next seen.
 */
export class LeaseAuthLimiter {
  private readonly entries = new Map<string, { since: number; failures: number }>();
  private readonly limit: LeaseAuthLimitSettings;

  constructor(
    private readonly clock: () => number,
    limit: Partial<LeaseAuthLimitSettings> = {},
  ) {
    this.limit = { ...LEASE_AUTH_LIMIT, ...limit };
  }

  /** How long (ms) the address must wait before its next credential check; 0 when it may go on. */
  waitMs(address: string): number {
    const entry = this.entries.get(address);
    if (!entry) return 0;
    const left = entry.since + this.limit.windowMs - this.clock();
    if (left <= 0) {
      this.entries.delete(address);
      return 0;
    }
    if (entry.failures < this.limit.failures) return 0;
    // Still knocking: keep it among the recently seen.
    this.entries.delete(address);
    this.entries.set(address, entry);
    return left;
  }

  /** Counts a failed credential check of the address. */
  fail(address: string): void {
    const now = this.clock();
    const entry = this.entries.get(address);
    this.entries.delete(address);
    const current = entry && now < entry.since + this.limit.windowMs ? entry : { since: now, failures: 0 };
    current.failures += 1;
    this.entries.set(address, current);
    while (this.entries.size > this.limit.addresses) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  /** How many addresses are remembered (for tests). */
  get size(): number {
    return this.entries.size;
  }
}

/** What the gate needs of the LeaseServer. */
export interface LeaseAuthenticator {
  authenticate(authorization: string | undefined): Promise<string>;
  authenticateFromMemory(authorization: string | undefined): string | undefined;
  now(): number;
}

/**
 * The credential check of the lease routes, limited per client address
 * (`req.ip`: the socket's address, or what `X-Forwarded-For` says when the
 * app trusts its proxy, Backstage's `backend.trustProxy`). A missing,
 * malformed, unknown or revoked credential (401) counts as a failure. An
 * address past the limit gets 429 with Retry-After and no database lookup;
 * only a credential this replica already knows and that matches still goes
 * through, so a site behind the same proxy or NAT as the caller being
 * limited keeps renewing. Successful checks are never counted or limited.
 */
export function leaseAuthGate(server: LeaseAuthenticator, limiter = new LeaseAuthLimiter(() => server.now())) {
  return async (req: Request, res: Response): Promise<string> => {
    const address = addressKey(req.ip);
    const authorization = req.headers.authorization;
    const waitMs = limiter.waitMs(address);
    if (waitMs > 0) {
      const site = server.authenticateFromMemory(authorization);
      if (site) return site;
      const seconds = Math.ceil(waitMs / 1000);
      res.setHeader('Retry-After', String(seconds));
      const at = new Date(server.now() + seconds * 1000).toISOString();
      throw new TooManyFailuresError(
        `Too many lease requests without a valid client site credential from this address: try again in ${seconds} s (after ${at}). Send "Authorization: Bearer <credential>" with the credential shown when the site was registered.`,
      );
    }
    try {
      return await server.authenticate(authorization);
    } catch (error) {
      if (error instanceof AuthenticationError) limiter.fail(address);
      throw error;
    }
  };
}
