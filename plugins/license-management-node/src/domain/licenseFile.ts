import { gunzipSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';

export const LICENSE_FILE_LIMITS = {
  /** Largest upload, in bytes. */
  maxUploadBytes: 1024 * 1024,
  /** Most entries an archive may hold (directories included). */
  maxEntries: 64,
  /** Most bytes of entry contents an archive may hold, in all. */
  maxEntryBytes: 8 * 1024 * 1024,
  /** Most tokens one upload may hold. */
  maxTokens: 256,
};

/** A license file that cannot be read. `status` is 413 for oversize input, else 400. */
export class LicenseFileError extends Error {
  name = 'LicenseFileError';
  constructor(
    message: string,
    readonly status: 400 | 413 = 400,
  ) {
    super(message);
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

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
const isZstd = (b: Uint8Array) =>
  b.length >= 4 && b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd;
const UPLOAD_ARCHIVE = 'Upload the .tar.gz file you received from the vendor.';
const SMALLER_ARCHIVE = 'Ask the vendor for a smaller archive.';

/**
 * Reads an uploaded license file in memory: a text file of tokens, or a
 * gzip-compressed tar archive whose regular files hold tokens (told apart by
 * the gzip magic bytes). Nothing is written to disk.
 */
export async function readLicenseFile(bytes: Uint8Array): Promise<LicenseFile> {
  if (bytes.length > LICENSE_FILE_LIMITS.maxUploadBytes) {
    throw new LicenseFileError(
      `The upload is ${bytes.length} bytes; a license file may be at most 1 MiB.`,
      413,
    );
  }
  if (bytes.length === 0) {
    throw new LicenseFileError('The upload is empty: choose a license file (.txt, .lic or .tar.gz).');
  }
  const tokens = isGzip(bytes)
    ? await readArchive(Buffer.from(bytes))
    : tokensOfText(decodeText(bytes, 'The upload'), '');
  if (tokens.length === 0) {
    throw new LicenseFileError('The file holds no license token. Upload the file you received from the vendor.');
  }
  if (tokens.length > LICENSE_FILE_LIMITS.maxTokens) {
    throw new LicenseFileError(
      `The file holds ${tokens.length} tokens; one upload may hold at most ${LICENSE_FILE_LIMITS.maxTokens}. Split them over several uploads, Base licenses first.`,
    );
  }
  return { format: isGzip(bytes) ? 'archive' : 'text', tokens };
}

function decodeText(bytes: Uint8Array, what: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = '\0';
  }
  if (text.includes('\0')) {
    throw new LicenseFileError(
      `${what} is neither a text license file nor a .tar.gz archive. Upload the .txt, .lic or .tar.gz file you received from the vendor.`,
    );
  }
  return text;
}

function tokensOfText(text: string, prefix: string): FileToken[] {
  const out: FileToken[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    for (const token of trimmed.split(/\s+/)) {
      out.push({ token, source: `${prefix}line ${index + 1}` });
    }
  });
  return out;
}

function unsafePath(path: string): string | undefined {
  if (/^([\\/]|[A-Za-z]:)/.test(path)) return 'an absolute path';
  if (path.split(/[\\/]/).includes('..')) return "a path that leaves the archive ('..')";
  return undefined;
}

async function readArchive(gz: Buffer): Promise<FileToken[]> {
  const { maxEntries, maxEntryBytes } = LICENSE_FILE_LIMITS;
  let tar: Buffer;
  try {
    // Headers and padding add at most 1.5 KiB per entry on top of the contents.
    tar = gunzipSync(gz, { maxOutputLength: maxEntryBytes + (maxEntries + 4) * 1536 });
  } catch (e) {
    if (e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new LicenseFileError(
        `The archive unpacks to more than 8 MiB; a license archive may hold at most 8 MiB. ${SMALLER_ARCHIVE}`,
        413,
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

  const files: { path: string; chunks: Buffer[] }[] = [];
  let entries = 0;
  let total = 0;
  let failure: LicenseFileError | undefined;
  const fail = (message: string, status: 400 | 413 = 400) => {
    failure ??= new LicenseFileError(message, status);
  };

  await new Promise<void>(resolve => {
    const parser = new Parser({ strict: true, zstd: false });
    parser.on('entry', (entry: ReadEntry) => {
      entries += 1;
      total += entry.size;
      const path = entry.path;
      const unsafe = unsafePath(path);
      if (entries > maxEntries) {
        fail(
          `The archive has more than ${maxEntries} entries (directories included); a license archive may hold at most ${maxEntries}. ${SMALLER_ARCHIVE}`,
        );
      } else if (total > maxEntryBytes) {
        fail(
          `The archive holds more than 8 MiB of contents; a license archive may hold at most 8 MiB. ${SMALLER_ARCHIVE}`,
          413,
        );
      } else if (unsafe) {
        fail(
          `Archive entry '${path}' has ${unsafe}; license archives may not. Ask the vendor for an archive of plain files with relative paths.`,
        );
      } else if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
        fail(
          `Archive entry '${path}' is a link; license archives may hold only regular files. Ask the vendor for an archive without links.`,
        );
      } else if (entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile') {
        const file = { path, chunks: [] as Buffer[] };
        files.push(file);
        entry.on('data', (c: Buffer) => file.chunks.push(c));
        return;
      } else if (entry.type !== 'Directory') {
        fail(
          `Archive entry '${path}' is a ${entry.type}; license archives may hold only regular files. Ask the vendor for an archive of plain files.`,
        );
      }
      entry.resume();
    });
    parser.on('warn', (_code: string, message: string | Error) => {
      const text = typeof message === 'string' ? message : message.message;
      fail(`The archive is damaged (${text}). ${UPLOAD_ARCHIVE}`);
    });
    parser.on('error', (e: Error) => {
      fail(`The archive is damaged (${e.message}). ${UPLOAD_ARCHIVE}`);
      resolve();
    });
    parser.on('close', () => resolve());
    parser.on('end', () => resolve());
    parser.end(tar);
  });
  if (failure) throw failure;
  if (entries === 0) {
    throw new LicenseFileError(`The archive is not a tar archive or holds no files. ${UPLOAD_ARCHIVE}`);
  }
  return files.flatMap(f =>
    tokensOfText(decodeText(Buffer.concat(f.chunks), `Archive entry '${f.path}'`), `entry '${f.path}', `),
  );
}
