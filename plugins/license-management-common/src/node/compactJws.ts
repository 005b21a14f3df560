const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Whether a word has the shape of a JWS in compact serialization: three
 * base64url parts separated by dots (the last may be empty). Only such words
 * count as tokens in a license file, and only such text is verified as a
 * license token.
 */
export function isCompactJws(word: string): boolean {
  return COMPACT_JWS.test(word);
}
