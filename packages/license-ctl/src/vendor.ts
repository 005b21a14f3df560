import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compactVerify, decodeProtectedHeader } from 'jose';
import {
  claimsProblem,
  compileCatalog,
  type LicenseCatalog,
  type LicenseCatalogDefinition,
  type LicenseClaims,
} from '@backstage-licensing/plugin-license-management-common';
import {
  buildTarGz,
  generateEd25519KeyPair,
  readEd25519PrivateKey,
  readEd25519PublicKey,
  readLicenseFile,
  RequestKeyError,
  signLicenseToken,
  verifyRequestKey,
} from '@backstage-licensing/plugin-license-management-node';
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
  await mkdir(dir, { recursive: true });
  const keyFile = join(dir, `${kid}.key`);
  const pubFile = join(dir, `${kid}.pub`);
  try {
    await writeFile(keyFile, privateKeyPem, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliError(`'${keyFile}' exists already; choose another --kid or --out (keys are never overwritten).`);
    }
    throw e;
  }
  await writeFile(pubFile, publicKeyPem);
  out.line(`private key: ${keyFile} (keep it secret)`);
  out.line(`public key:  ${pubFile} (add it to licenseManagement.vendorKeys with kid '${kid}')`);
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
  const now = o.now ?? Date.now();
  const exp = parseDay(o.expires, '--expires') + 86_400_000;
  const nbf = o.notBefore !== undefined ? parseDay(o.notBefore, '--not-before') : undefined;
  if (exp <= now) throw new UsageError(`--expires ${o.expires} is in the past.`);
  if (nbf !== undefined && nbf >= exp) throw new UsageError('--not-before must be on or before --expires.');
  const privateKeyPem = await readText(o.key, 'key');
  try {
    readEd25519PrivateKey(privateKeyPem, `'${o.key}'`);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const catalog = await loadCatalog(o.catalog);

  let sub: string;
  let method: 'request-key' | 'usb-key';
  if (o.requestKey) {
    try {
      sub = (await verifyRequestKey(await readText(o.requestKey, 'request key'))).keyId;
    } catch (e) {
      if (e instanceof RequestKeyError) throw new CliError(`request key '${o.requestKey}': ${e.message}`);
      throw e;
    }
    method = 'request-key';
  } else {
    sub = o.usbKeyId!;
    method = 'usb-key';
  }

  const specs = [
    ...(o.base ? [{ type: 'base' as const, ...parseItemSpec(o.base, '--base') }] : []),
    ...o.plus.map(p => ({ type: 'plus' as const, ...parseItemSpec(p, '--plus') })),
  ];
  const licenses: { type: string; item: string; token: string }[] = [];
  for (const spec of specs) {
    const claims: LicenseClaims = {
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
    };
    const checked = claimsProblem(claims, catalog, now);
    if ('problem' in checked) {
      throw new UsageError(`--${spec.type} '${spec.item}': ${checked.problem}.`);
    }
    licenses.push({ type: spec.type, item: spec.item, token: await signLicenseToken(claims, { kid: o.kid, privateKeyPem }) });
  }

  if (format === 'text') {
    const lines = [`# License file issued ${new Date(now).toISOString()} for Key ID ${sub}`];
    for (const l of licenses) lines.push(`# ${l.type} ${l.item}`, l.token);
    await writeFile(o.output, `${lines.join('\n')}\n`);
  } else {
    await writeFile(
      o.output,
      buildTarGz(licenses.map(l => ({ path: `${l.type}-${l.item}.lic`, content: `${l.token}\n` }))),
    );
  }
  out.line(`issued ${licenses.length} license(s) for ${sub} to ${o.output}: ${licenses.map(l => `${l.type} ${l.item}`).join(', ')}`);
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
  const publicKey = publicKeyFile
    ? (() => {
        try {
          return readFileSyncKey(publicKeyFile);
        } catch (e) {
          throw new CliError((e as Error).message);
        }
      })()
    : undefined;
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
        await compactVerify(token, await publicKey, { algorithms: ['EdDSA'] });
        signature = 'valid';
      } catch {
        signature = 'INVALID';
        bad += 1;
      }
    }
    out.line(`${source}: kid=${String(header.kid)} alg=${String(header.alg)} signature ${signature}`);
    out.line(JSON.stringify(claims, null, 2));
  }
  if (bad > 0) throw new CliError(`${bad} token(s) in '${file}' did not pass inspection.`);
}

async function readFileSyncKey(file: string) {
  return readEd25519PublicKey(await readText(file, 'public key'), `'${file}'`);
}
