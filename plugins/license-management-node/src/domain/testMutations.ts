/*
 * Ways to alter a license token, for the token tests and the fuzz tests.
 * Not exported from the package.
 */
import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Other spellings of a base64url part that Node's decoder reads as the same
 * bytes: the last character with other unused low bits, or one character
 * more that no encoding has (a length of 1 mod 4, which the decoder drops).
 */
export function sameBytesSpellings(part: string): string[] {
  const bytes = Buffer.from(part, 'base64url');
  const out: string[] = [];
  const head = part.slice(0, -1);
  for (const c of ALPHABET) {
    const spelling = head + c;
    if (spelling !== part && Buffer.from(spelling, 'base64url').equals(bytes)) out.push(spelling);
  }
  if (part.length % 4 === 0) out.push(`${part}A`);
  return out;
}

/** Replaces part `index` (0 header, 1 payload, 2 signature) of a compact JWS. */
export function withPart(token: string, index: number, part: string): string {
  const parts = token.split('.');
  parts[index] = part;
  return parts.join('.');
}

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** An unsecured JWS (`alg: none`) carrying the payload of `token`. */
export function algNone(token: string, kid: string): string {
  const [, payload] = token.split('.');
  return `${b64(JSON.stringify({ alg: 'none', kid }))}.${payload}.`;
}

/**
 * The classic key-confusion forgery: HS256 with the vendor's public key (its
 * PEM text) used as the HMAC secret.
 */
export function hs256WithPublicKey(token: string, kid: string, publicKeyPem: string): string {
  const [, payload] = token.split('.');
  const input = `${b64(JSON.stringify({ alg: 'HS256', kid }))}.${payload}`;
  return `${input}.${createHmac('sha256', publicKeyPem).update(input).digest('base64url')}`;
}
