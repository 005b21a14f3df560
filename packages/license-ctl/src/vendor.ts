import { randomUUID } from 'node:crypto';
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compactVerify, decodeProtectedHeader } from 'jose';
import {
  claimsProblem,
  compileCatalog,
  DAY_MS,
  validThroughOf,
  type LicenseCatalog,
  type LicenseCatalogDefinition,
  type LicenseClaims,
} from '@backstage-licensing/plugin-license-management-common';
import {
  generateEd25519KeyPair,
  readEd25519PrivateKey,
  readEd25519PublicKey,
  readLicenseFile,
} from '@backstage-licensing/plugin-license-management-common/node';
import {
  buildTarGz,
  RequestKeyError,
  signLicenseToken,
  verifyRequestKey,
} from '@backstage-licensing/license-vendor';
import { CliError, UsageError } from './errors';
import type { Output } from './output';

const KID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${what} '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function keygen(kid: string, dir: string, out: Output) {
  if (!KID.test(kid)) {
    throw new UsageError(`--kid '${kid}' is invalid: use 1-64 letters, digits, '.', '_' or '-'.`);
  }
  const { privateKeyPem, publicKeyPem } = generateEd25519KeyPair();
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new CliError(`cannot create directory '${dir}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const keyFile = join(dir, `${kid}.key`);
  const pubFile = join(dir, `${kid}.pub`);
  // Neither half is ever overwritten: a stray KID.pub would otherwise be
  // replaced by a public key that does not match the private key in use.
  for (const file of [keyFile, pubFile]) {
    if (await exists(file)) {
      throw new CliError(`'${file}' exists already; choose another --kid or --out (keys are never overwritten).`);
    }
  }
  await writeNew(keyFile, privateKeyPem, 0o600);
  await writeNew(pubFile, publicKeyPem, 0o644);
  out.line(`private key: ${keyFile} (keep it secret)`);
  out.line(`public key:  ${pubFile} (add it to licenseManagement.vendorKeys with kid '${kid}')`);
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch {
    return false;
  }
}

async function writeNew(file: string, content: string, mode: number) {
  try {
    await writeFile(file, content, { mode, flag: 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new CliError(`'${file}' exists already; choose another --kid or --out (keys are never overwritten).`);
    }
    throw new CliError(`cannot write '${file}': ${code ?? (e as Error).message}`);
  }
}

/** Parses `ITEM[:METRIC=N[,METRIC=N]...]`. */
export function parseItemSpec(spec: string, flag: string): { item: string; quota: Record<string, number> } {
  const [item, quotaPart, extra] = spec.split(':');
  if (!item || extra !== undefined) {
    throw new UsageError(`${flag} '${spec}' is invalid: use ID[:METRIC=N[,METRIC=N]...].`);
  }
  const quota: Record<string, number> = {};
  if (quotaPart !== undefined) {
    for (const pair of quotaPart.split(',')) {
      const m = /^([a-z0-9][a-z0-9._-]*)=(\d+)$/.exec(pair);
      const n = m ? Number(m[2]) : NaN;
      if (!m || !Number.isSafeInteger(n) || n < 1) {
        throw new UsageError(`${flag} '${spec}': quota '${pair}' is invalid: use METRIC=N with N a positive integer.`);
      }
      if (m[1] in quota) {
        throw new UsageError(`${flag} '${spec}': quota metric '${m[1]}' is given twice.`);
      }
      quota[m[1]] = n;
    }
  }
  return { item, quota };
}

/** `YYYY-MM-DD` to ms at 00:00:00 UTC of that day. */
export function parseDay(value: string, flag: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw new UsageError(`${flag} '${value}' is not a date: use YYYY-MM-DD.`);
  }
  return ms;
}

export interface IssueOptions {
  key: string;
  kid: string;
  requestKey?: string;
  usbKeyId?: string;
  base?: string;
  plus: string[];
  expires: string;
  notBefore?: string;
  customer?: string;
  issuer?: string;
  catalog?: string;
  output: string;
  now?: number;
}

async function loadCatalog(file?: string): Promise<LicenseCatalog> {
  if (!file) return compileCatalog();
  try {
    return compileCatalog(JSON.parse(await readText(file, 'catalog')) as LicenseCatalogDefinition);
  } catch (e) {
    throw new CliError(`catalog '${file}' cannot be used: ${(e as Error).message}`);
  }
}

export async function issue(o: IssueOptions, out: Output) {
  if (!o.base && o.plus.length === 0) throw new UsageError('Give at least one --base or --plus.');
  if (!!o.requestKey === !!o.usbKeyId) throw new UsageError('Give exactly one of --request-key FILE or --usb-key-id ID.');
  const format = /\.(tar\.gz|tgz)$/i.test(o.output) ? 'archive' : /\.(txt|lic)$/i.test(o.output) ? 'text' : undefined;
  if (!format) throw new UsageError(`-o '${o.output}' must end in .txt, .lic, .tar.gz or .tgz.`);
  if (!KID.test(o.kid)) {
    throw new UsageError(`--kid '${o.kid}' is invalid: use 1-64 letters, digits, '.', '_' or '-'.`);
  }
  // Every usage problem is reported before any file is read.
  const specs = [
    ...(o.base ? [{ type: 'base' as const, ...parseItemSpec(o.base, '--base') }] : []),
    ...o.plus.map(p => ({ type: 'plus' as const, ...parseItemSpec(p, '--plus') })),
  ];
  const seen = new Set<string>();
  for (const spec of specs) {
    if (spec.type === 'plus' && seen.has(spec.item)) {
      throw new UsageError(`--plus '${spec.item}' is given twice; issue one license per module.`);
    }
    seen.add(spec.item);
  }
  const now = o.now ?? Date.now();
  // Valid all of the day typed: exp is 00:00 UTC of the day after it (PRODUCT.md §2.3).
  const exp = parseDay(o.expires, '--expires') + DAY_MS;
  const nbf = o.notBefore !== undefined ? parseDay(o.notBefore, '--not-before') : undefined;
  if (exp <= now) throw new UsageError(`--expires ${o.expires} is in the past.`);
  if (nbf !== undefined && nbf >= exp) throw new UsageError('--not-before must be on or before --expires.');
  const catalog = await loadCatalog(o.catalog);
  const method = o.requestKey ? ('request-key' as const) : ('usb-key' as const);
  const claimsOf = (spec: (typeof specs)[number], sub: string): LicenseClaims => ({
    jti: `lic-${randomUUID()}`,
    iss: o.issuer ?? o.kid,
    sub,
    iat: Math.floor(now / 1000),
    ...(nbf !== undefined ? { nbf: nbf / 1000 } : {}),
    exp: exp / 1000,
    license: {
      type: spec.type,
      item: spec.item,
      method,
      ...(Object.keys(spec.quota).length ? { quota: spec.quota } : {}),
      ...(o.customer ? { customer: o.customer } : {}),
    },
  });
  const check = (claims: LicenseClaims, spec: (typeof specs)[number]) => {
    const checked = claimsProblem(claims, catalog, now);
    if ('problem' in checked) throw new UsageError(`--${spec.type} '${spec.item}': ${checked.problem}.`);
  };
  // Unknown items, metrics of another item and bad claims are bad usage: say
  // so before the key and the request key are read (a Key ID stands in).
  for (const spec of specs) check(claimsOf(spec, o.usbKeyId ?? 'AAAAA-AAAAA-AAAAA-AAAAA'), spec);

  const privateKeyPem = await readText(o.key, 'key');
  try {
    readEd25519PrivateKey(privateKeyPem, `'${o.key}'`);
  } catch (e) {
    throw new CliError((e as Error).message);
  }

  let sub: string;
  if (o.requestKey) {
    try {
      sub = (await verifyRequestKey(await readText(o.requestKey, 'request key'))).keyId;
    } catch (e) {
      if (e instanceof RequestKeyError) throw new CliError(`request key '${o.requestKey}': ${e.message}`);
      throw e;
    }
  } else {
    sub = o.usbKeyId!;
  }

  const licenses: { type: string; item: string; token: string }[] = [];
  for (const spec of specs) {
    const claims = claimsOf(spec, sub);
    check(claims, spec);
    licenses.push({ type: spec.type, item: spec.item, token: await signLicenseToken(claims, { kid: o.kid, privateKeyPem }) });
  }

  let content: string | Uint8Array;
  if (format === 'text') {
    const lines = [`# License file issued ${new Date(now).toISOString()} for Key ID ${sub}`];
    for (const l of licenses) lines.push(`# ${l.type} ${l.item}`, l.token);
    content = `${lines.join('\n')}\n`;
  } else {
    content = buildTarGz(licenses.map(l => ({ path: `${l.type}-${l.item}.lic`, content: `${l.token}\n` })));
  }
  try {
    await writeFile(o.output, content);
  } catch (e) {
    throw new CliError(`cannot write '${o.output}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  out.line(
    `issued ${licenses.length} license(s) for ${sub} to ${o.output}: ${licenses.map(l => `${l.type} ${l.item}`).join(', ')} (valid through ${validThroughOf(exp)})`,
  );
}

export async function inspect(file: string, publicKeyFile: string | undefined, out: Output) {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new CliError(`cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const text = bytes.toString('utf8');
  if (text.includes('License Management request key')) {
    try {
      const content = await verifyRequestKey(text);
      out.line(`request key (signature verified)`);
      out.line(JSON.stringify(content, null, 2));
      return;
    } catch (e) {
      throw new CliError(`request key '${file}': ${(e as Error).message}`);
    }
  }
  let tokens;
  try {
    ({ tokens } = await readLicenseFile(bytes));
  } catch (e) {
    throw new CliError(`'${file}': ${(e as Error).message}`);
  }
  // Read the key before any token: a missing or wrong key file is a failure
  // of its own, not a bad signature on every token.
  const publicKey = publicKeyFile ? await readPublicKeyFile(publicKeyFile) : undefined;
  let bad = 0;
  for (const { token, source } of tokens) {
    let header;
    let claims: unknown;
    try {
      header = decodeProtectedHeader(token);
      claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    } catch {
      out.line(`${source}: not a license token`);
      bad += 1;
      continue;
    }
    let signature = 'not checked (pass --public-key)';
    if (publicKey) {
      try {
        await compactVerify(token, publicKey, { algorithms: ['EdDSA'] });
        signature = 'valid';
      } catch {
        signature = 'INVALID';
        bad += 1;
      }
    }
    const exp = (claims as { exp?: unknown } | null)?.exp;
    const through = typeof exp === 'number' && Number.isFinite(exp) ? `, valid through ${validThroughOf(exp * 1000)}` : '';
    out.line(`${source}: kid=${String(header.kid)} alg=${String(header.alg)} signature ${signature}${through}`);
    out.line(JSON.stringify(claims, null, 2));
  }
  if (bad > 0) throw new CliError(`${bad} token(s) in '${file}' did not pass inspection.`);
}

async function readPublicKeyFile(file: string) {
  const pem = await readText(file, 'public key');
  try {
    return readEd25519PublicKey(pem, `public key '${file}'`);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}
