import { z } from 'zod';

/**
 * The `cursor` of `GET /records`: opaque to clients. Today it is the
 * base64url of `{"v":1,"seq":N}` — "records older than record N", in the
 * store's order (newest first); the version lets the order or the filters
 * change later without a client noticing, and tells a cursor of another
 * server version or a made-up one apart with a clear 400.
 */
const cursorSchema = z.object({ v: z.literal(1), seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict();

/** Longer than any cursor this server writes. */
const MAX_LENGTH = 100;

export const INVALID_CURSOR_MESSAGE =
  'is not a cursor from this server, or is malformed: pass the next cursor of a previous page unchanged, or leave it out to start from the newest record';

/** A cursor a client did not get from this server; the router answers 400 before the store sees it. */
export class InvalidRecordCursorError extends Error {
  name = 'InvalidRecordCursorError';
  constructor() {
    super(`The records cursor ${INVALID_CURSOR_MESSAGE}.`);
  }
}

/** The cursor of the records older than record `seq`. */
export function encodeRecordCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ v: 1, seq })).toString('base64url');
}

/** The `seq` a cursor stands for, or undefined when it is not one this server writes. */
export function readRecordCursor(cursor: string): number | undefined {
  if (cursor.length === 0 || cursor.length > MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const bytes = Buffer.from(cursor, 'base64url');
  // Canonical only: one spelling per cursor.
  if (bytes.toString('base64url') !== cursor) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = cursorSchema.safeParse(value);
  return parsed.success ? parsed.data.seq : undefined;
}

/** The `seq` a cursor stands for; throws InvalidRecordCursorError when it is not one this server writes. */
export function decodeRecordCursor(cursor: string): number {
  const seq = readRecordCursor(cursor);
  if (seq === undefined) throw new InvalidRecordCursorError();
  return seq;
}
