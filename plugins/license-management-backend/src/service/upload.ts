import {
  LicenseError,
  quotable,
  type LicenseCatalog,
} from '@backstage-licensing/plugin-license-management-common';
import {
  LicenseRejectedError,
  readLicenseFile,
  verifyLicenseToken,
  type VendorKeyring,
  type VerifiedLicense,
} from '@backstage-licensing/plugin-license-management-node';
import type { StoredLicense } from '../database/LicenseStore';

export interface UploadContext {
  catalog: LicenseCatalog;
  vendorKeys: VendorKeyring;
  installationKeyId: string;
  /** The trusted instant (the clock, or the high-water mark when the clock is behind it). */
  now: number;
  /**
   * Ids of stored rows that do not match their signed token: uploading the
   * genuine token for such an id restores it (instead of a 409 or `unchanged`).
   */
  tampered?: ReadonlySet<string>;
  /** Stored licenses by id, deleted or not (one query for the whole upload). */
  lookup(ids: readonly string[]): Promise<ReadonlyMap<string, StoredLicense & { deletedAt?: number }>>;
}

export interface UploadPlan {
  /** Verified licenses to install, in file order. */
  install: VerifiedLicense[];
  /** Ids of licenses already installed with the same token. */
  unchanged: string[];
  /** Ids among `install` whose tampered stored row the upload replaces. */
  restore: string[];
}

/**
 * Reads and verifies an upload and decides what to install. Throws, with
 * nothing decided: the file reader's LicenseFileError (`invalid` or
 * `too-large`), or a LicenseError: `invalid` when a token is rejected,
 * `conflict` for a known id with other content. Whether Plus licenses have
 * their Base is judged on the licenses as the upload leaves them
 * (`plusWithoutBase`, uploadLicenses.ts).
 */
export async function planUpload(bytes: Uint8Array, ctx: UploadContext): Promise<UploadPlan> {
  const { tokens } = await readLicenseFile(bytes);

  const verified: VerifiedLicense[] = [];
  const problems: string[] = [];
  for (const [index, { token, source }] of tokens.entries()) {
    try {
      verified.push(
        await verifyLicenseToken(token, {
          vendorKeys: ctx.vendorKeys,
          catalog: ctx.catalog,
          installationKeyId: ctx.installationKeyId,
          // Whether a usb-key license's key is plugged in is a USB key rule
          // (usbKeyNotPresent, judged in uploadLicenses), not the token's.
          usbKeyIds: usbKeySubOf(token),
          now: ctx.now,
        }),
      );
    } catch (e) {
      if (!(e instanceof LicenseRejectedError)) throw e;
      problems.push(`license ${index + 1} (${source}) ${idOf(token)}was rejected: ${e.reason}`);
    }
  }
  if (problems.length > 0) {
    throw new LicenseError('invalid', `Nothing was installed. ${capitalize(problems.join('; '))}.`);
  }

  // The same id twice in one file: one copy if identical, else refuse.
  const byId = new Map<string, VerifiedLicense>();
  for (const v of verified) {
    const seen = byId.get(v.license.id);
    if (seen && seen.token !== v.token) {
      throw new LicenseError(
        'invalid',
        `Nothing was installed. The file holds two different licenses with the id '${v.license.id}'; ask the vendor for a corrected file.`,
      );
    }
    byId.set(v.license.id, v);
  }

  const install: VerifiedLicense[] = [];
  const unchanged: string[] = [];
  const restore: string[] = [];
  const known = await ctx.lookup([...byId.keys()]);
  for (const v of byId.values()) {
    const stored = known.get(v.license.id);
    if (stored && !stored.deletedAt && ctx.tampered?.has(v.license.id)) {
      install.push(v);
      restore.push(v.license.id);
      continue;
    }
    if (stored && stored.token !== v.token) {
      throw new LicenseError(
        'conflict',
        `Nothing was installed. A different license with the id '${v.license.id}' is already ${stored.deletedAt ? 'recorded' : 'installed'}; license ids are unique, so ask the vendor to reissue it.`,
      );
    }
    if (stored && !stored.deletedAt) unchanged.push(v.license.id);
    else install.push(v);
  }

  return { install, unchanged, restore };
}

/** The `sub` of a usb-key token, unverified: only to leave the key's presence to the USB key rules. */
function usbKeySubOf(token: string): string[] {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return payload?.license?.method === 'usb-key' && typeof payload.sub === 'string' ? [payload.sub] : [];
  } catch {
    return [];
  }
}

function idOf(token: string): string {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof payload?.jti === 'string' ? `'${quotable(payload.jti, 128)}' ` : '';
  } catch {
    return '';
  }
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
