import { gunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { quotable } from '../claims';
import { LicenseError } from '../errors';
import { LICENSE_FILE_LIMITS, sizeInWords } from '../limits';
import { isGzip } from '../lists';
import { isCompactJws } from './compactJws';

/**
 * A license file that cannot be read: `kind` is `too-large` for input over a
 * limit of {@link LICENSE_FILE_LIMITS}, else `invalid`.
 */
export class LicenseFileError extends LicenseError {
  override name = 'LicenseFileError';
  declare readonly kind: 'invalid' | 'too-large';

  constructor(message: string, kind: 'invalid' | 'too-large' = 'invalid') {
    super(kind, message);
  }

  /**
   * The HTTP status of the kind.
   * @deprecated Map {@link LicenseError.kind} instead (the backend's router does); this getter goes away once nothing reads it.
   */
  get status(): 400 | 413 {
    return this.kind === 'too-large' ? 413 : 400;
  }
}

export interface FileToken {
  token: string;
  /** Where the token stands, for error messages: "line 3" or "entry a/b.txt, line 1". */
  source: string;
}

export interface LicenseFile {
  format: 'text' | 'archive';
  tokens: FileToken[];
}

const isZstd = (b: Uint8Array) =>
  b.length >= 4 && b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd;
const UPLOAD_FILE = 'Upload the .txt, .lic or .tar.gz file you received from the vendor.';
const UPLOAD_ARCHIVE = 'Upload the .tar.gz file you received from the vendor.';
const SMALLER_ARCHIVE = 'Ask the vendor for a smaller archive.';
/** Regular files; everything else but directories is refused. */
const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
/** Largest PAX or GNU long-name header: far more than any path needs. */
const MAX_META_BYTES = 64 * 1024;
const MAX_UPLOAD = sizeInWords(LICENSE_FILE_LIMITS.maxUploadBytes);
const MAX_CONTENTS = sizeInWords(LICENSE_FILE_LIMITS.maxEntryBytes);
const MAX_META = sizeInWords(MAX_META_BYTES);

/**
 * Reads an uploaded license file in memory: a text file of tokens, or a
 * gzip-compressed tar archive whose regular files hold tokens (told apart by
 * the gzip magic bytes). Nothing is written to disk. Every limit stops the
 * reading as soon as it is passed: at most `maxEntries` archive headers of
 * any type, `maxEntryBytes` of contents and `maxTokens` tokens
 * ({@link LICENSE_FILE_LIMITS}) are looked at, whatever the input holds.
 */
export async function readLicenseFile(bytes: Uint8Array): Promise<LicenseFile> {
  if (bytes.length > LICENSE_FILE_LIMITS.maxUploadBytes) {
    throw new LicenseFileError(
      `The upload is ${bytes.length} bytes; a license file may be at most ${MAX_UPLOAD}.`,
      'too-large',
    );
  }
  if (bytes.length === 0) {
    throw new LicenseFileError('The upload is empty: choose a license file (.txt, .lic or .tar.gz).');
  }
  if (isGzip(bytes)) {
    const tokens = await readArchive(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (tokens.length === 0) {
      throw new LicenseFileError(
        `This file holds no license: the files in the archive hold no license token. ${UPLOAD_ARCHIVE}`,
      );
    }
    return { format: 'archive', tokens };
  }
  const tokens: FileToken[] = [];
  collectTokens(decodeText(bytes, 'The upload'), '', tokens, { whole: true });
  return { format: 'text', tokens };
}

function decodeText(bytes: Uint8Array, what: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = '\0';
  }
  if (text.includes('\0')) {
    throw new LicenseFileError(`${what} is neither a text license file nor a .tar.gz archive. ${UPLOAD_FILE}`);
  }
  return text;
}

/** Whitespace as `\s` has it: what separates tokens. */
function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    (c > 127 &&
      (c === 0xa0 ||
        c === 0x1680 ||
        (c >= 0x2000 && c <= 0x200a) ||
        c === 0x2028 ||
        c === 0x2029 ||
        c === 0x202f ||
        c === 0x205f ||
        c === 0x3000 ||
        c === 0xfeff))
  );
}

function isBase64url(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95;
}

/**
 * Adds the tokens of a text to `tokens`, in one pass over its characters with
 * nothing split into arrays, so that the work stops where the reading stops.
 * Lines whose first word starts with '#' are comments. Only words shaped like
 * a JWS in compact serialization are tokens; any other word makes the file
 * not a license file, and the reading stops there, as it does at the token
 * past the limit. `whole` is set when the text is the whole upload: then a
 * text with no token at all is said to hold no license (the rest of the text
 * is looked through for a token, without keeping anything).
 */
function collectTokens(text: string, prefix: string, tokens: FileToken[], { whole = false } = {}): void {
  const { maxTokens } = LICENSE_FILE_LIMITS;
  const n = text.length;
  let line = 1;
  let lineStart = true;
  let stray: { word: string; line: number } | undefined;
  let tokenAfterStray = false;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line += 1;
      lineStart = true;
      i += 1;
      continue;
    }
    if (isSpace(c)) {
      i += 1;
      continue;
    }
    if (lineStart && c === 35) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? n : end;
      continue;
    }
    lineStart = false;
    let j = i;
    let dots = 0;
    let plain = true;
    for (; j < n; j++) {
      const d = text.charCodeAt(j);
      if (isSpace(d)) break;
      if (d === 46) dots += 1;
      else if (!isBase64url(d)) plain = false;
    }
    const token = plain && dots === 2 && isCompactJws(text.slice(i, j));
    if (stray) {
      if (token) {
        tokenAfterStray = true;
        break;
      }
    } else if (!token) {
      stray = { word: text.slice(i, Math.min(j, i + 41)), line };
      if (!whole || tokens.length > 0) break;
    } else {
      if (tokens.length === maxTokens) {
        throw new LicenseFileError(
          `The file holds more than ${maxTokens} tokens; one upload may hold at most ${maxTokens}. Split them over several uploads, Base licenses first.`,
        );
      }
      tokens.push({ token: text.slice(i, j), source: `${prefix}line ${line}` });
    }
    i = j;
  }
  if (stray) {
    const at = `${prefix}line ${stray.line}`;
    const word = quotable(stray.word, 40);
    if (whole && tokens.length === 0 && !tokenAfterStray) {
      throw new LicenseFileError(
        `This file holds no license: it has no license token (${at} has '${word}', which is not one). ${UPLOAD_FILE}`,
      );
    }
    throw new LicenseFileError(
      `This is not a license file: ${at} has '${word}', which is not a license token (a license file holds only license tokens and # comments). ${UPLOAD_FILE}`,
    );
  }
  if (whole && tokens.length === 0) {
    throw new LicenseFileError(`This file holds no license: it has only comments and blank lines. ${UPLOAD_FILE}`);
  }
}

function unsafePath(path: string): string | undefined {
  if (/^([\\/]|[A-Za-z]:)/.test(path)) return 'an absolute path';
  if (path.split(/[\\/]/).includes('..')) return "a path that leaves the archive ('..')";
  return undefined;
}

function typeName(type: string): string {
  if (type === 'SymbolicLink' || type === 'Link') return 'a link';
  if (type === 'Unsupported') return 'an entry of an unknown type';
  return `a ${type} entry`;
}

async function readArchive(gz: Buffer): Promise<FileToken[]> {
  const { maxEntries, maxEntryBytes } = LICENSE_FILE_LIMITS;
  let tar: Buffer;
  try {
    // Headers and padding add at most 1.5 KiB per entry on top of the contents.
    // (Not gunzipSync: it leaks its zlib memory on corrupt input, and blocks the event loop.)
    tar = await new Promise<Buffer>((resolve, reject) =>
      gunzip(gz, { maxOutputLength: maxEntryBytes + (maxEntries + 4) * 1536 }, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
  } catch (e) {
    if (e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new LicenseFileError(
        `The archive unpacks to more than ${MAX_CONTENTS}; a license archive may hold at most ${MAX_CONTENTS}. ${SMALLER_ARCHIVE}`,
        'too-large',
      );
    }
    throw new LicenseFileError(`The archive is not valid gzip data. ${UPLOAD_ARCHIVE}`);
  }
  // The tar parser would unpack a second layer of gzip (or zstd) by itself,
  // with no limit on the output: refuse it before parsing.
  if (isGzip(tar) || isZstd(tar)) {
    throw new LicenseFileError(
      `The archive is compressed twice; a license archive is a tar archive compressed once with gzip. ${UPLOAD_ARCHIVE}`,
    );
  }

  const tokens: FileToken[] = [];
  let headers = 0;
  let total = 0;
  let failure: LicenseFileError | undefined;
  const parser = new Parser({ strict: true, zstd: false, maxMetaEntrySize: MAX_META_BYTES });
  const stop = (error: LicenseFileError) => {
    if (failure) return;
    failure = error;
    parser.abort(error);
  };
  const tooManyEntries = () =>
    new LicenseFileError(
      `The archive has more than ${maxEntries} entries (every header counts, directories included); a license archive may hold at most ${maxEntries}. ${SMALLER_ARCHIVE}`,
    );
  const damaged = (e: unknown) =>
    new LicenseFileError(`The archive is damaged (${quotable(String((e as Error)?.message ?? e), 200)}). ${UPLOAD_ARCHIVE}`);

  /** Counts a header and checks it; a problem stops the parser. Returns false when it did. */
  const admit = (entry: ReadEntry): boolean => {
    headers += 1;
    if (headers > maxEntries) {
      stop(tooManyEntries());
      return false;
    }
    total += entry.size;
    if (total > maxEntryBytes) {
      stop(
        new LicenseFileError(
          `The archive holds more than ${MAX_CONTENTS} of contents; a license archive may hold at most ${MAX_CONTENTS}. ${SMALLER_ARCHIVE}`,
          'too-large',
        ),
      );
      return false;
    }
    const name = quotable(entry.path, 200);
    if (entry.meta) {
      // Only the parser skips a meta header: too large to be a path.
      stop(new LicenseFileError(`The archive has an extended header of more than ${MAX_META}. ${UPLOAD_ARCHIVE}`));
      return false;
    }
    const unsafe = unsafePath(entry.path);
    if (unsafe) {
      stop(
        new LicenseFileError(
          `Archive entry '${name}' has ${unsafe}; license archives may not. Ask the vendor for an archive of plain files with relative paths.`,
        ),
      );
      return false;
    }
    if (!FILE_TYPES.has(entry.type) && entry.type !== 'Directory') {
      const what = typeName(entry.type);
      stop(
        new LicenseFileError(
          `Archive entry '${name}' is ${what}; license archives may hold only regular files and directories. Ask the vendor for an archive of plain files${what === 'a link' ? ' without links' : ''}.`,
        ),
      );
      return false;
    }
    return true;
  };

  await new Promise<void>(resolve => {
    parser.on('entry', (entry: ReadEntry) => {
      if (failure || !admit(entry) || !FILE_TYPES.has(entry.type)) {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => {
        if (failure) return;
        const path = quotable(entry.path, 200);
        try {
          collectTokens(decodeText(Buffer.concat(chunks), `Archive entry '${path}'`), `entry '${path}', `, tokens);
        } catch (e) {
          stop(e instanceof LicenseFileError ? e : damaged(e));
        }
      });
    });
    // Entries the parser skips: unknown types, and meta headers too large to keep.
    parser.on('ignoredEntry', (entry: ReadEntry) => {
      if (!failure) admit(entry);
    });
    // PAX and GNU long-name headers: headers too.
    parser.on('meta', () => {
      headers += 1;
      if (headers > maxEntries) stop(tooManyEntries());
    });
    parser.on('warn', (_code: string, message: string | Error) => {
      if (!failure) stop(damaged(message));
    });
    parser.on('error', (e: Error) => {
      if (!failure) failure = damaged(e);
      resolve();
    });
    parser.on('abort', () => resolve());
    parser.on('close', () => resolve());
    parser.on('end', () => resolve());
    try {
      parser.end(tar);
    } catch (e) {
      if (!failure) failure = damaged(e);
      resolve();
    }
  });
  if (failure) throw failure;
  if (headers === 0) {
    throw new LicenseFileError(`The archive is not a tar archive or holds no files. ${UPLOAD_ARCHIVE}`);
  }
  return tokens;
}
