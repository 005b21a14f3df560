import { AdminClient, type ClientOptions } from './client';
import type { Output } from './output';

/** A client site as `GET /sharing/sites` lists it (PRODUCT.md §2.6). */
interface SiteView {
  id: string;
  name: string;
  createdAt: string;
  lastSeenAt: string | null;
  lease: { modules: string[]; quota: Record<string, number>; expiresAt: string } | null;
}

const leaseText = (lease: SiteView['lease']) => {
  if (!lease) return 'no lease';
  const modules = lease.modules.length ? lease.modules.join(',') : '-';
  const quota = Object.entries(lease.quota).map(([m, n]) => `${m}=${n}`).join(',') || '-';
  return `modules ${modules}; quota ${quota}; until ${lease.expiresAt}`;
};

/**
 * `sharing add-site NAME`: registers a client site on this license server and
 * prints its credential, which the server shows this once and never again.
 */
export async function addSite(opts: ClientOptions, name: string, out: Output) {
  const site = await new AdminClient(opts).json<{ id: string; name: string; credential: string }>('POST', '/sharing/sites', { name });
  out.line(`registered client site '${site.name}' (${site.id})`);
  out.line(`credential: ${site.credential}`);
  out.line('Keep the credential now: the server stores only its hash and cannot show it again.');
}

/** `sharing sites [--json]`: the client sites, their leases and last contact; never a credential. */
export async function sites(opts: ClientOptions, json: boolean, out: Output) {
  const list = await new AdminClient(opts).json<SiteView[]>('GET', '/sharing/sites');
  if (json) {
    out.line(JSON.stringify(list, null, 2));
    return;
  }
  if (list.length === 0) {
    out.line('no client sites registered (license-ctl sharing add-site NAME registers one)');
    return;
  }
  // One tab-separated row per site: id, name, last seen, lease.
  for (const s of list) out.line([s.id, s.name, s.lastSeenAt ?? 'never seen', leaseText(s.lease)].join('\t'));
}

/** `sharing revoke ID`: the site's lease ends at once and its credential stops working. */
export async function revoke(opts: ClientOptions, id: string, out: Output) {
  await new AdminClient(opts).json('DELETE', `/sharing/sites/${encodeURIComponent(id)}`);
  out.line(`revoked client site ${id}: its lease ended and its credential no longer works`);
}
