import { readFile, writeFile } from 'node:fs/promises';
import {
  isGzip,
  validThroughOf,
  type LicenseMethod,
  type LicenseState,
  type LicenseStatus,
  type LicenseType,
  type LicenseView,
  type RecordAction,
  type RecordPage,
  type ReinstateResult,
  type UploadResult,
} from '@backstage-licensing/plugin-license-management-common';
import { AdminClient, type ClientOptions } from './client';
import { CliError, DowngradeRefusedError } from './errors';
import { methodTitle, validThroughText } from './format';
import type { Output } from './output';

async function readInput(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new CliError(`cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Says what to re-run when the backend refused a downgrade that was not acknowledged. */
async function acknowledgeHint<T>(call: Promise<T>, todo: string): Promise<T> {
  try {
    return await call;
  } catch (e) {
    if (e instanceof DowngradeRefusedError) {
      throw new DowngradeRefusedError(e.message, e.consequences, `Re-run with --acknowledge to ${todo} anyway.`);
    }
    throw e;
  }
}

const acknowledgeQuery = (acknowledge?: boolean) => (acknowledge ? '?acknowledge=true' : '');
const superseded = (l: LicenseView) => `superseded ${l.type} ${l.item} ${l.id} (no longer in force; reinstate ${l.id} brings it back)`;

/**
 * `install -f FILE [--acknowledge]`: uploads a license file. An upload that
 * would downgrade the licenses in force is refused with its consequences
 * unless acknowledged.
 */
export async function install(opts: ClientOptions, file: string, out: Output, acknowledge?: boolean) {
  const bytes = await readInput(file);
  const client = new AdminClient(opts);
  const result = await acknowledgeHint(
    client.json<UploadResult>('POST', `/licenses${acknowledgeQuery(acknowledge)}`, {
      bytes,
      type: isGzip(bytes) ? 'application/gzip' : 'text/plain',
    }),
    'install it',
  );
  for (const l of result.installed) out.line(`installed ${l.type} ${l.item} ${l.id} (${l.state}, ${validThroughText(l)})`);
  for (const l of result.unchanged) out.line(`unchanged ${l.type} ${l.item} ${l.id} (already installed)`);
  for (const l of result.superseded ?? []) out.line(superseded(l));
}

/** `reinstate ID [--acknowledge]`: brings a superseded license back into force. */
export async function reinstate(opts: ClientOptions, id: string, out: Output, acknowledge?: boolean) {
  const result = await acknowledgeHint(
    new AdminClient(opts).json<ReinstateResult>(
      'POST',
      `/licenses/${encodeURIComponent(id)}/reinstate${acknowledgeQuery(acknowledge)}`,
    ),
    'reinstate it',
  );
  const l = result.reinstated;
  out.line(`reinstated ${l.type} ${l.item} ${l.id} (${l.state}, ${validThroughText(l)})`);
  for (const s of result.superseded) out.line(superseded(s));
}

export async function reload(opts: ClientOptions, out: Output) {
  const status = await new AdminClient(opts).json<LicenseStatus>('POST', '/reload');
  out.line(`reloaded: ${status.editionTitle}, ${status.state}`);
}

export async function status(opts: ClientOptions, json: boolean, out: Output) {
  const s = await new AdminClient(opts).json<LicenseStatus>('GET', '/status');
  if (json) {
    out.line(JSON.stringify(s, null, 2));
    return;
  }
  const rows: [string, string][] = [
    ['Edition', `${s.editionTitle} (${s.edition})`],
    ['State', s.state],
    ['Method', methodTitle(s.method)],
    ['Product version', s.productVersion],
    ['Key ID', s.keyId],
    ['Base', s.base ? `${s.base.id}, ${s.base.state}, ${validThroughText(s.base)}` : '-'],
  ];
  for (const p of s.plus) rows.push(['Plus', `${p.item} ${p.id}, ${validThroughText(p)}`]);
  // On a license server, what is leased to client sites counts with the use: "hosts 3 + 5 leased/10".
  for (const q of s.quotas) {
    rows.push(['Quota', `${q.metric} ${q.used}${q.leased ? ` + ${q.leased} leased` : ''}/${q.authorized}${q.exceeded ? ' EXCEEDED' : ''}`]);
  }
  if (s.server?.status === 'serving') rows.push(['License server', 'serving client sites (license-ctl sharing sites)']);
  else if (s.server && s.server.status !== 'not-configured') rows.push(['License server', serverText(s.server)]);
  for (const e of s.exceptions) rows.push(['Exception', `${e.code}: ${e.message}`]);
  const width = Math.max(...rows.map(r => r[0].length));
  for (const [k, v] of rows) out.line(`${k.padEnd(width)}  ${v}`);
}

/** A client site's server line: "connected to URL; last contact T; lease holds until G". */
function serverText(v: LicenseStatus['server']): string {
  const parts = [`${v.status} (${v.url ?? '-'})`];
  if (v.lastContactAt) parts.push(`last contact ${v.lastContactAt}`);
  if (v.graceUntil) parts.push(`lease holds until ${v.graceUntil}`);
  if (v.status === 'refused' && v.message) parts.push(v.message);
  return parts.join('; ');
}

/** `clock acknowledge`: an admin confirms a clock fault; the backend resets its high-water mark to now. */
export async function clockAcknowledge(opts: ClientOptions, out: Output) {
  const r = await new AdminClient(opts).json<{
    previousHighWaterMark: string;
    highWaterMark: string;
    status: LicenseStatus;
  }>('POST', '/clock/acknowledge');
  out.line(`clock fault acknowledged: high-water mark ${r.previousHighWaterMark} -> ${r.highWaterMark}`);
  out.line(`status: ${r.status.editionTitle}, ${r.status.state}`);
  for (const e of r.status.exceptions) out.line(`exception ${e.code}: ${e.message}`);
}

export async function keyId(opts: ClientOptions, out: Output) {
  const { keyId: id } = await new AdminClient(opts).json<{ keyId: string }>('GET', '/key-id');
  out.line(id);
}

export async function requestKey(opts: ClientOptions, file: string, out: Output) {
  const res = await new AdminClient(opts).request('GET', '/request-key');
  const text = await res.text();
  try {
    await writeFile(file, text);
  } catch (e) {
    throw new CliError(`cannot write '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  out.line(`request key written to ${file}`);
}

export async function deleteLicense(opts: ClientOptions, id: string, out: Output) {
  await new AdminClient(opts).json('DELETE', `/licenses/${encodeURIComponent(id)}`);
  out.line(`deleted ${id}`);
}

/** `records` options; the list-valued filters take the values of the -common lists (commander checks them). */
export interface RecordOptions {
  json?: boolean;
  limit?: string;
  cursor?: string;
  type?: LicenseType;
  item?: string;
  method?: LicenseMethod;
  state?: LicenseState;
  action?: RecordAction;
}

export async function records(opts: ClientOptions, ro: RecordOptions, out: Output) {
  const query = new URLSearchParams();
  for (const key of ['limit', 'cursor', 'type', 'item', 'method', 'state', 'action'] as const) {
    const value = ro[key];
    if (value !== undefined) query.set(key, value);
  }
  const page = await new AdminClient(opts).json<RecordPage>('GET', `/records${query.size ? `?${query}` : ''}`);
  if (ro.json) {
    out.line(JSON.stringify(page, null, 2));
    return;
  }
  // One tab-separated row per record: time, action, type, item, method, state, quota, valid through, actor, license id.
  for (const r of page.items) {
    const quota = Object.entries(r.quota).map(([k, v]) => `${k}=${v}`).join(',');
    const validThrough = r.expiresAt ? `valid through ${validThroughOf(r.expiresAt)}` : '-';
    out.line(
      [r.time, r.action, r.type ?? '-', r.item ?? '-', methodTitle(r.method), r.state ?? '-', quota || '-', validThrough, r.actor, r.licenseId ?? '']
        .join('\t'),
    );
  }
  if (page.nextCursor) out.line(`# more: --cursor ${page.nextCursor}`);
}
