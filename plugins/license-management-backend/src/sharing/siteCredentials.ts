import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '@backstage/errors';
import type { SharingStore } from './SharingStore';

const UNAUTHORIZED = 'This request needs a client site credential: send "Authorization: Bearer <credential>" with the credential shown when the site was registered on the license server (license-ctl sharing add-site). A revoked site must be registered again.';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** The 401 of a lease request without a valid credential (missing, unknown or revoked). */
export const notAuthenticated = () => new AuthenticationError(UNAUTHORIZED);

/** The credential of an `Authorization: Bearer <site id>.<secret>` header and its site id; undefined when malformed. */
function parseCredential(authorization: string | undefined): { credential: string; id: string } | undefined {
  const credential = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? '';
  const id = credential.slice(0, Math.max(0, credential.indexOf('.')));
  return id ? { credential, id } : undefined;
}

/** A new site's credential, `<site id>.<256 random bits, base64url>`, and the SHA-256 (hex) the store keeps. */
export function newCredential(siteId: string): { credential: string; credentialHash: string } {
  const credential = `${siteId}.${randomBytes(32).toString('base64url')}`;
  return { credential, credentialHash: sha256(credential).toString('hex') };
}

/**
 * The client sites' credentials on the request path: the site a credential
 * belongs to. The hashes are cached by site id (a site's credential never
 * changes); revocation is checked in the database by every lease statement.
 */
export class SiteCredentials {
  private readonly hashes = new Map<string, Buffer>();

  constructor(private readonly store: Pick<SharingStore, 'credentialOf'>) {}

  /** The site a credential belongs to; AuthenticationError (401) for a missing, unknown or revoked one. */
  async authenticate(authorization: string | undefined): Promise<string> {
    const parsed = parseCredential(authorization);
    if (!parsed) throw notAuthenticated();
    const { credential, id } = parsed;
    let expected = this.hashes.get(id);
    if (!expected) {
      const stored = await this.store.credentialOf(id);
      if (!stored || stored.revoked) throw notAuthenticated();
      expected = Buffer.from(stored.credentialHash, 'hex');
      if (this.hashes.size >= 100_000) this.hashes.clear();
      this.hashes.set(id, expected);
    }
    const presented = sha256(credential);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      throw notAuthenticated();
    }
    return id;
  }

  /**
   * The site a credential belongs to when its hash is already in memory and
   * matches; undefined otherwise (unknown here, wrong or malformed). Never
   * touches the database: for a client address that is being limited.
   */
  authenticateFromMemory(authorization: string | undefined): string | undefined {
    const parsed = parseCredential(authorization);
    const expected = parsed && this.hashes.get(parsed.id);
    if (!parsed || !expected) return undefined;
    const presented = sha256(parsed.credential);
    return presented.length === expected.length && timingSafeEqual(presented, expected) ? parsed.id : undefined;
  }

  /** A revoked site: its credential is looked up again (and refused) from now on. */
  forget(siteId: string): void {
    this.hashes.delete(siteId);
  }
}
