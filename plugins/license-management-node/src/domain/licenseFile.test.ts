import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createGzip, gzipSync } from 'node:zlib';
import { Header, Pax, type HeaderData } from 'tar';
import { buildTarGz, type ArchiveEntry } from '@backstage-licensing/license-vendor';
import { isLicenseError, LICENSE_FILE_LIMITS, LicenseError } from '@backstage-licensing/plugin-license-management-common';
import { LicenseFileError, readLicenseFile } from '@backstage-licensing/plugin-license-management-common/node';

const MiB = 1024 * 1024;
const enc = (text: string) => new TextEncoder().encode(text);

/** Token-shaped strings; readLicenseFile only splits, it does not verify. */
const TOKEN_A = 'eyJhbGciOiJFZERTQSJ9.eyJqdGkiOiJhIn0.c2lnLWE';
const TOKEN_B = 'eyJhbGciOiJFZERTQSJ9.eyJqdGkiOiJiIn0.c2lnLWI';
const TOKEN_C = 'eyJhbGciOiJFZERTQSJ9.eyJqdGkiOiJjIn0.c2lnLWM';
const token = (i: number) => `eyJhbGciOiJFZERTQSJ9.${Buffer.from(`{"jti":"${i}"}`).toString('base64url')}.c2ln`;

/** The garbage collector, to measure what a call keeps and allocates. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/**
 * Reads `bytes`, returning the refusal with the CPU time it took (all threads
 * of the process: not the time spent waiting for a core on a shared machine)
 * and the memory it grew by.
 */
async function measured(bytes: Uint8Array) {
  gc();
  const before = heap();
  const cpu = process.cpuUsage();
  const error = await refusal(bytes);
  const used = process.cpuUsage(cpu);
  const ms = (used.user + used.system) / 1000;
  const grownBy = heap() - before;
  return { error, ms, grownBy };
}

/** A raw tar header block (plus padded body) for entries buildTarGz cannot write. */
function tarEntry(data: HeaderData, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = new Header({ mode: 0o644, mtime: new Date(0), uid: 0, gid: 0, size: body.length, ...data });
  header.encode();
  return Buffer.concat([header.block!, body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}
const END = Buffer.alloc(1024);
const ZEROS = Buffer.alloc(MiB);

/** gzip of the chunks, streamed so that large inputs need not sit in memory. */
async function gzipStream(chunks: Buffer[]): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (c: Buffer) => out.push(c));
  const done = new Promise(resolve => gzip.on('end', resolve));
  for (const chunk of chunks) {
    if (!gzip.write(chunk)) await new Promise(resolve => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(out);
}

/** Reads the file and returns the LicenseFileError; fails the test if the file is accepted. */
async function refusal(bytes: Uint8Array): Promise<LicenseFileError> {
  try {
    await readLicenseFile(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(LicenseFileError);
    expect(e).toBeInstanceOf(LicenseError);
    expect((e as Error).name).toBe('LicenseFileError');
    return e as LicenseFileError;
  }
  throw new Error('expected the license file to be refused, but it was read');
}

describe('LicenseFileError', () => {
  it('is a LicenseError of kind invalid or too-large; the deprecated status follows the kind', () => {
    const invalid = new LicenseFileError('bad');
    const tooLarge = new LicenseFileError('big', 'too-large');
    expect([invalid.kind, tooLarge.kind]).toEqual(['invalid', 'too-large']);
    expect(isLicenseError(invalid) && isLicenseError(tooLarge)).toBe(true);
    expect([invalid.status, tooLarge.status]).toEqual([400, 413]);
  });

  it('says the limits of LICENSE_FILE_LIMITS in words', async () => {
    const error = await refusal(new Uint8Array(LICENSE_FILE_LIMITS.maxUploadBytes + 1));
    expect(error.message).toBe(
      `The upload is ${LICENSE_FILE_LIMITS.maxUploadBytes + 1} bytes; a license file may be at most 1 MiB.`,
    );
  });
});

describe('readLicenseFile', () => {
  describe('text files', () => {
    it('reads one token', async () => {
      await expect(readLicenseFile(enc(`${TOKEN_A}\n`))).resolves.toEqual({
        format: 'text',
        tokens: [{ token: TOKEN_A, source: 'line 1' }],
      });
    });

    it('skips # comments and blank lines, splits several tokens per line, handles CRLF and names lines', async () => {
      const text = [
        '# License file for ACME',
        '',
        `${TOKEN_A} ${TOKEN_B}`,
        '   # an indented comment',
        '\t',
        `  ${TOKEN_C}\t `,
      ].join('\r\n');

      const file = await readLicenseFile(enc(text));

      expect(file).toEqual({
        format: 'text',
        tokens: [
          { token: TOKEN_A, source: 'line 3' },
          { token: TOKEN_B, source: 'line 3' },
          { token: TOKEN_C, source: 'line 6' },
        ],
      });
      expect(file.tokens.some(t => t.token.includes('\r'))).toBe(false);
    });

    it('separates tokens by any whitespace, tabs and repeated spaces included', async () => {
      const file = await readLicenseFile(enc(`${TOKEN_A}\t\t${TOKEN_B}    ${TOKEN_C}`));
      expect(file.tokens.map(t => t.token)).toEqual([TOKEN_A, TOKEN_B, TOKEN_C]);
    });

    it('ignores a UTF-8 byte order mark before a comment', async () => {
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`# comment\n${TOKEN_A}\n`)]);
      await expect(readLicenseFile(bytes)).resolves.toEqual({
        format: 'text',
        tokens: [{ token: TOKEN_A, source: 'line 2' }],
      });
    });

    it('accepts an upload of exactly 1 MiB', async () => {
      const head = `${TOKEN_A}\n# `;
      const bytes = enc(head + 'x'.repeat(MiB - head.length));
      expect(bytes.length).toBe(MiB);
      await expect(readLicenseFile(bytes)).resolves.toMatchObject({ tokens: [{ token: TOKEN_A }] });
    });

    it('accepts exactly 256 tokens', async () => {
      const text = Array.from({ length: 256 }, (_, i) => token(i)).join('\n');
      expect((await readLicenseFile(enc(text))).tokens).toHaveLength(256);
    });

    it('accepts a Buffer as well as a Uint8Array', async () => {
      await expect(readLicenseFile(Buffer.from(TOKEN_A))).resolves.toMatchObject({ format: 'text' });
    });
  });

  describe('.tar.gz archives', () => {
    it('reads the tokens of several regular files, in archive order, skipping directories', async () => {
      const archive = buildTarGz([
        { path: 'licenses/', type: 'Directory' },
        { path: 'licenses/base.lic', content: `# Base\n${TOKEN_A}\n` },
        { path: 'licenses/plus/', type: 'Directory' },
        { path: 'licenses/plus/modules.txt', content: `${TOKEN_B}\r\n\r\n${TOKEN_C}\r\n` },
        { path: 'README', content: '# Upload this archive on the License Management page.\n' },
      ]);

      await expect(readLicenseFile(archive)).resolves.toEqual({
        format: 'archive',
        tokens: [
          { token: TOKEN_A, source: "entry 'licenses/base.lic', line 2" },
          { token: TOKEN_B, source: "entry 'licenses/plus/modules.txt', line 1" },
          { token: TOKEN_C, source: "entry 'licenses/plus/modules.txt', line 3" },
        ],
      });
    });

    it('reads an entry whose contents span several tar blocks', async () => {
      const tokens = Array.from({ length: 100 }, (_, i) => token(i));
      const archive = buildTarGz([{ path: 'all.lic', content: tokens.join('\n') }]);
      expect((await readLicenseFile(archive)).tokens.map(t => t.token)).toEqual(tokens);
    });

    it('accepts 64 entries', async () => {
      const entries: ArchiveEntry[] = Array.from({ length: 64 }, (_, i) => ({ path: `l${i}.lic`, content: token(i) }));
      expect((await readLicenseFile(buildTarGz(entries))).tokens).toHaveLength(64);
    });

    it('accepts 8 MiB of entry contents', async () => {
      const half = 4 * MiB;
      const archive = buildTarGz([
        { path: 'a.lic', content: `${TOKEN_A}\n#${' '.repeat(half - TOKEN_A.length - 2)}` },
        { path: 'b.lic', content: `${TOKEN_B}\n#${' '.repeat(half - TOKEN_B.length - 2)}` },
      ]);
      expect(archive.length).toBeLessThan(LICENSE_FILE_LIMITS.maxUploadBytes);
      expect((await readLicenseFile(archive)).tokens.map(t => t.token)).toEqual([TOKEN_A, TOKEN_B]);
    });

    it('accepts an entry path with "." segments and names that merely contain dots', async () => {
      const archive = buildTarGz([
        { path: './licenses/', type: 'Directory' },
        { path: './licenses/..base...lic', content: TOKEN_A },
      ]);
      expect((await readLicenseFile(archive)).tokens).toHaveLength(1);
    });
  });

  describe('detection by content, not by name', () => {
    it('reads gzip data as an archive, whatever it is called', async () => {
      const archive = buildTarGz([{ path: 'licenses.txt', content: TOKEN_A }]);
      expect((await readLicenseFile(archive)).format).toBe('archive');
    });

    it('reads text as text, even text that names an archive', async () => {
      const file = await readLicenseFile(enc(`# 1f8b: licenses.tar.gz\n${TOKEN_A}`));
      expect(file.format).toBe('text');
      expect(file.tokens.map(t => t.token)).toEqual([TOKEN_A]);
    });

    it('refuses an uncompressed tar archive as binary, not as text', async () => {
      const tar = Buffer.concat([tarEntry({ path: 'a.lic', type: 'File' }, Buffer.from(TOKEN_A)), END]);
      const error = await refusal(tar);
      expect(error.kind).toBe('invalid');
      expect(error.message).toContain('neither a text license file nor a .tar.gz archive');
    });
  });

  describe('archive entries that are refused', () => {
    it.each([
      ['../x.lic', "a path that leaves the archive ('..')"],
      ['a/../../x', "a path that leaves the archive ('..')"],
      ['licenses/../../../etc/cron.d/x', "a path that leaves the archive ('..')"],
      ['..', "a path that leaves the archive ('..')"],
      ['/etc/x.lic', 'an absolute path'],
      ['C:\\licenses\\x.lic', 'an absolute path'],
      ['\\\\server\\share\\x.lic', 'an absolute path'],
      ['..\\x.lic', "a path that leaves the archive ('..')"],
    ])("refuses the path '%s' and names the entry", async (path, what) => {
      const archive = buildTarGz([
        { path: 'ok.lic', content: TOKEN_A },
        { path, content: TOKEN_B },
      ]);
      const error = await refusal(archive);
      expect(error.kind).toBe('invalid');
      expect(error.message).toContain(`Archive entry '${path}' has ${what}`);
      expect(error.message).toMatch(/ask the vendor/i);
    });

    it('refuses a path that leaves the archive when it is given in a PAX extended header', async () => {
      const path = `../${'deep/'.repeat(30)}x.lic`;
      const tar = Buffer.concat([
        new Pax({ path }).encode(),
        tarEntry({ path: 'harmless.lic', type: 'File' }, Buffer.from(TOKEN_A)),
        END,
      ]);
      const error = await refusal(gzipSync(tar));
      expect(error.kind).toBe('invalid');
      expect(error.message).toContain("a path that leaves the archive ('..')");
    });

    it('refuses a directory entry with a path outside the archive', async () => {
      const error = await refusal(buildTarGz([{ path: '../outside/', type: 'Directory' }, { path: 'a.lic', content: TOKEN_A }]));
      expect(error.message).toContain("a path that leaves the archive ('..')");
    });

    it('refuses a symbolic link and says only regular files are allowed', async () => {
      const archive = buildTarGz([
        { path: 'a.lic', content: TOKEN_A },
        { path: 'b.lic', type: 'SymbolicLink', linkpath: '/etc/passwd' },
      ]);
      const error = await refusal(archive);
      expect(error.kind).toBe('invalid');
      expect(error.message).toContain("Archive entry 'b.lic' is a link; license archives may hold only regular files");
      expect(error.message).toMatch(/ask the vendor/i);
    });

    it('refuses a hard link, even to a file inside the archive', async () => {
      const archive = buildTarGz([
        { path: 'a.lic', content: TOKEN_A },
        { path: 'b.lic', type: 'Link', linkpath: 'a.lic' },
      ]);
      const error = await refusal(archive);
      expect(error.kind).toBe('invalid');
      expect(error.message).toContain("Archive entry 'b.lic' is a link");
    });

    it.each(['FIFO', 'CharacterDevice', 'BlockDevice'])('refuses a %s entry', async type => {
      const tar = Buffer.concat([
        tarEntry({ path: 'a.lic', type: 'File' }, Buffer.from(TOKEN_A)),
        tarEntry({ path: 'dev', type: type as HeaderData['type'] }),
        END,
      ]);
      const error = await refusal(gzipSync(tar));
      expect(error.kind).toBe('invalid');
      expect(error.message).toContain(
        `Archive entry 'dev' is a ${type} entry; license archives may hold only regular files and directories`,
      );
    });

    it('refuses an entry that is binary, naming it', async () => {
      const archive = buildTarGz([
        { path: 'a.lic', content: TOKEN_A },
        { path: 'logo.png', content: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe]) },
      ]);
      const error = await refusal(archive);
      expect(error.kind).toBe('invalid');
      expect(error.message).toContain("Archive entry 'logo.png' is neither a text license file");
    });
  });

  describe('limits', () => {
    it('refuses an upload over 1 MiB as too-large, before reading it', async () => {
      const error = await refusal(enc(`${TOKEN_A}\n${'#'.repeat(MiB)}`));
      expect(error.kind).toBe('too-large');
      expect(error.message).toContain(`${MiB + TOKEN_A.length + 1} bytes`);
      expect(error.message).toContain('at most 1 MiB');
    });

    it('refuses a gzip upload over 1 MiB as too-large', async () => {
      const noise = Buffer.alloc(MiB + 10);
      for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
      noise[0] = 0x1f;
      noise[1] = 0x8b;
      expect((await refusal(noise)).kind).toBe('too-large');
    });

    it('refuses more than 64 entries, directories counted', async () => {
      const entries: ArchiveEntry[] = [
        { path: 'd/', type: 'Directory' },
        ...Array.from({ length: 64 }, (_, i) => ({ path: `d/l${i}.lic`, content: token(i) })),
      ];
      const error = await refusal(buildTarGz(entries));
      expect(error.kind).toBe('invalid');
      expect(error.message).toContain('more than 64 entries');
      expect(error.message).toMatch(/ask the vendor/i);
    });

    it('refuses more than 8 MiB of entry contents as too-large', async () => {
      const header = (n: number) => `${token(n)}\n#`;
      const archive = buildTarGz([
        { path: 'a.lic', content: header(1) + ' '.repeat(4 * MiB) },
        { path: 'b.lic', content: header(2) + ' '.repeat(4 * MiB) },
      ]);
      expect(archive.length).toBeLessThan(MiB);
      const error = await refusal(archive);
      expect(error.kind).toBe('too-large');
      expect(error.message).toContain('8 MiB');
    });

    it('refuses entries that declare more than 8 MiB in all even when the data is cut short (too-large)', async () => {
      const tar = Buffer.concat([
        tarEntry({ path: 'a.lic', type: 'File' }, Buffer.from(`${TOKEN_A}\n#${' '.repeat(4 * MiB)}`)),
        // The header promises 5 MiB; only the header is there.
        tarEntry({ path: 'b.lic', type: 'File', size: 5 * MiB }).subarray(0, 512),
      ]);
      const error = await refusal(gzipSync(tar));
      expect(error.kind).toBe('too-large');
      expect(error.message).toContain('more than 8 MiB of contents');
    });

    it('refuses a gzip bomb (20 MiB of zeros) as too-large without unpacking it all', async () => {
      const bomb = gzipSync(Buffer.alloc(20 * MiB));
      expect(bomb.length).toBeLessThan(LICENSE_FILE_LIMITS.maxUploadBytes);
      const zlib = jest.requireActual('node:zlib') as typeof import('node:zlib');
      const gunzip = jest.spyOn(zlib, 'gunzip');

      const error = await refusal(bomb);

      expect(error.kind).toBe('too-large');
      expect(error.message).toContain('unpacks to more than 8 MiB');
      // It was unpacked with a cap on the output, not in full.
      expect(gunzip).toHaveBeenCalled();
      for (const [, options] of gunzip.mock.calls) {
        expect((options as { maxOutputLength?: number })?.maxOutputLength).toBeLessThanOrEqual(9 * MiB);
      }
      gunzip.mockRestore();
    });

    it('keeps no memory of corrupt gzip data it refused', async () => {
      const archive = Buffer.from(buildTarGz([{ path: 'a.lic', content: TOKEN_A.repeat(200) }]));
      archive[12] ^= 0x55;
      for (let i = 0; i < 200; i++) await refusal(archive); // warm up
      gc();
      const before = process.memoryUsage().arrayBuffers;
      for (let i = 0; i < 3000; i++) await refusal(archive);
      await new Promise(r => setImmediate(r));
      gc();
      // gunzipSync kept about 16 KiB per corrupt input (48 MiB here).
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * MiB);
    }, 60_000);

    it('refuses a gzip bomb hidden inside a second layer of gzip, quickly', async () => {
      // The outer layer unpacks to a small gzip stream; the inner one to 256 MiB.
      const size = 256 * MiB;
      const inner = await gzipStream([
        tarEntry({ path: 'big.lic', type: 'File', size }).subarray(0, 512),
        ...Array.from({ length: size / MiB }, () => ZEROS),
      ]);
      const bomb = gzipSync(inner);
      expect(bomb.length).toBeLessThan(64 * 1024);

      const started = Date.now();
      const error = await refusal(bomb);

      expect(Date.now() - started).toBeLessThan(500);
      expect(error.kind).toBe('invalid');
      expect(error.message).toContain('compressed twice');
    }, 60_000);

    it('refuses more than 256 tokens and says to split the upload', async () => {
      const text = Array.from({ length: 257 }, (_, i) => token(i)).join(' ');
      const error = await refusal(enc(text));
      expect(error.kind).toBe('invalid');
      expect(error.message).toContain('more than 256 tokens');
      expect(error.message).toContain('at most 256');
      expect(error.message).toMatch(/split/i);
    });

    it('counts the tokens of all archive entries against the 256 limit', async () => {
      const entries: ArchiveEntry[] = [0, 1].map(n => ({
        path: `part${n}.lic`,
        content: Array.from({ length: 129 }, (_, i) => token(n * 1000 + i)).join('\n'),
      }));
      const error = await refusal(buildTarGz(entries));
      expect(error.kind).toBe('invalid');
      expect(error.message).toContain('more than 256 tokens');
    });
  });

  describe('uploads that are not license files', () => {
    it('refuses an empty upload and says what to choose', async () => {
      const error = await refusal(new Uint8Array(0));
      expect(error.kind).toBe('invalid');
      expect(error.message).toBe('The upload is empty: choose a license file (.txt, .lic or .tar.gz).');
    });

    it('refuses binary garbage and says which files to upload', async () => {
      const error = await refusal(new Uint8Array([0x00, 0xff, 0x13, 0x37, 0x00, 0x42, 0x89, 0x50]));
      expect(error.kind).toBe('invalid');
      expect(error.message).toBe(
        'The upload is neither a text license file nor a .tar.gz archive. Upload the .txt, .lic or .tar.gz file you received from the vendor.',
      );
    });

    it('refuses text with a NUL byte', async () => {
      expect((await refusal(enc(`${TOKEN_A}\u0000`))).message).toContain('neither a text license file');
    });

    it('refuses bytes that are not UTF-8 (e.g. a Latin-1 or UTF-16 file)', async () => {
      expect((await refusal(new Uint8Array([0x23, 0x20, 0xe9, 0x0a]))).kind).toBe('invalid');
      expect((await refusal(Buffer.from(`\ufeff${TOKEN_A}`, 'utf16le'))).message).toContain(
        'neither a text license file',
      );
    });

    it('refuses a zip archive', async () => {
      const zip = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(26), Buffer.from('a.lic')]);
      expect((await refusal(zip)).message).toContain('neither a text license file nor a .tar.gz archive');
    });

    it('refuses gzip data that is not a tar archive and says which file to upload', async () => {
      const error = await refusal(gzipSync(`${TOKEN_A}\n`));
      expect(error.kind).toBe('invalid');
      expect(error.message).toMatch(/not a tar archive|damaged/);
      expect(error.message).toContain('Upload the .tar.gz file you received from the vendor');
    });

    it('refuses gzip data of more than one block that is not a tar archive', async () => {
      const error = await refusal(gzipSync(Array.from({ length: 50 }, (_, i) => token(i)).join('\n')));
      expect(error.kind).toBe('invalid');
      expect(error.message).toContain('Upload the .tar.gz file you received from the vendor');
    });

    it('refuses a corrupt gzip stream and says which file to upload', async () => {
      const archive = buildTarGz([{ path: 'a.lic', content: TOKEN_A.repeat(50) }]);
      const corrupt = Buffer.from(archive);
      for (let i = 12; i < corrupt.length - 8; i++) corrupt[i] ^= 0x5a;
      const error = await refusal(corrupt);
      expect(error.kind).toBe('invalid');
      expect(error.message).toBe(
        'The archive is not valid gzip data. Upload the .tar.gz file you received from the vendor.',
      );
    });

    it('refuses a truncated gzip stream', async () => {
      const archive = buildTarGz([{ path: 'a.lic', content: TOKEN_A }]);
      const error = await refusal(archive.subarray(0, archive.length - 20));
      expect(error.kind).toBe('invalid');
      expect(error.message).toContain('not valid gzip data');
    });

    it('refuses the gzip magic bytes alone', async () => {
      expect((await refusal(new Uint8Array([0x1f, 0x8b]))).message).toContain('not valid gzip data');
    });

    it('refuses a gzip stream whose checksum does not match', async () => {
      const archive = Buffer.from(buildTarGz([{ path: 'a.lic', content: TOKEN_A }]));
      archive[archive.length - 8] ^= 0xff; // CRC32 of the trailer
      expect((await refusal(archive)).message).toContain('not valid gzip data');
    });

    it('refuses a tar archive with a damaged header checksum', async () => {
      const tar = Buffer.concat([tarEntry({ path: 'a.lic', type: 'File' }, Buffer.from(TOKEN_A)), END]);
      tar[0] ^= 0x01; // path byte changes; the stored checksum no longer fits
      const error = await refusal(gzipSync(tar));
      expect(error.kind).toBe('invalid');
      expect(error.message).toContain('Upload the .tar.gz file you received from the vendor');
    });

    it('refuses a text file with no tokens and says to upload the vendor file', async () => {
      const error = await refusal(enc('# only a comment\r\n\r\n   \n'));
      expect(error.kind).toBe('invalid');
      expect(error.message).toBe(
        'This file holds no license: it has only comments and blank lines. Upload the .txt, .lic or .tar.gz file you received from the vendor.',
      );
    });

    it('refuses an archive whose files hold no tokens', async () => {
      const archive = buildTarGz([
        { path: 'docs/', type: 'Directory' },
        { path: 'docs/README', content: '# nothing here\n' },
      ]);
      expect((await refusal(archive)).message).toBe(
        'This file holds no license: the files in the archive hold no license token. Upload the .tar.gz file you received from the vendor.',
      );
    });

    it('refuses an empty tar archive', async () => {
      const error = await refusal(gzipSync(END));
      expect(error.kind).toBe('invalid');
      expect(error.message).toMatch(/holds no files|Unrecognized archive format/);
      expect(error.message).toContain('Upload the .tar.gz file you received from the vendor');
    });
  });
  describe('words that are not tokens', () => {
    it('says in one sentence that a file of words holds no license, not that it holds five bad licenses', async () => {
      const error = await refusal(enc('hello world these are words\nand more words\n'));
      expect(error.kind).toBe('invalid');
      expect(error.message).toBe(
        "This file holds no license: it has no license token (line 1 has 'hello', which is not one). Upload the .txt, .lic or .tar.gz file you received from the vendor.",
      );
    });

    it('says a file with tokens and other words is not a license file, naming the line', async () => {
      const error = await refusal(enc(`${TOKEN_A}\n# ok\nDear customer, ${TOKEN_B}\n`));
      expect(error.message).toBe(
        "This is not a license file: line 3 has 'Dear', which is not a license token (a license file holds only license tokens and # comments). Upload the .txt, .lic or .tar.gz file you received from the vendor.",
      );
    });

    it('counts only JWS-shaped words as tokens: a comment after a token on its line is a stray word', async () => {
      const error = await refusal(enc(`${TOKEN_A} # the Base license\n`));
      expect(error.message).toMatch(/^This is not a license file: line 1 has '#'/);
    });

    it('names the entry of an archive that holds other words', async () => {
      const archive = buildTarGz([
        { path: 'a.lic', content: TOKEN_A },
        { path: 'README.md', content: 'Upload a.lic on the License Management page.\n' },
      ]);
      expect((await refusal(archive)).message).toMatch(
        /^This is not a license file: entry 'README.md', line 1 has 'Upload', which is not a license token/,
      );
    });

    it('quotes a stray word escaped and cut short', async () => {
      const error = await refusal(enc(`\u001b[2J\u202e${'x'.repeat(100)}`));
      expect(error.message).toContain("line 1 has '\\u{1B}[2J\\u{202E}xxx");
      expect(error.message).toContain("…', which is not one");
      expect(error.message).not.toMatch(/[\u0000-\u001f\u202e]/);
    });
  });

  describe('every archive header counts and is checked', () => {
    it('refuses an entry of an unknown type (typeflag Z), naming it', async () => {
      const error = await refusal(
        buildTarGz([
          { path: 'a.lic', content: TOKEN_A },
          { path: 'z.lic', content: TOKEN_B, typeflag: 'Z' },
        ]),
      );
      expect(error.kind).toBe('invalid');
      expect(error.message).toBe(
        "Archive entry 'z.lic' is an entry of an unknown type; license archives may hold only regular files and directories. Ask the vendor for an archive of plain files.",
      );
    });

    it.each([
      ['GNU dump directory', 'D', 'a GNUDumpDir entry'],
      ['Solaris ACL', 'A', 'a SolarisACL entry'],
      ['sparse file', 'S', 'a SparseFile entry'],
      ['volume header', 'V', 'a TapeVolumeHeader entry'],
    ])('refuses a %s entry (typeflag %s)', async (_what, typeflag, named) => {
      const error = await refusal(buildTarGz([{ path: 'odd', content: TOKEN_A, typeflag }, { path: 'a.lic', content: TOKEN_A }]));
      expect(error.message).toContain(`Archive entry 'odd' is ${named}; license archives may hold only regular files and directories`);
    });

    it('refuses 2,000 entries of an unknown type quickly, at the first', async () => {
      const entries: ArchiveEntry[] = Array.from({ length: 2000 }, (_, i) => ({ path: `z${i}`, typeflag: 'Z' }));
      const { error, ms } = await measured(buildTarGz([{ path: 'a.lic', content: TOKEN_A }, ...entries]));
      expect(error.message).toContain("Archive entry 'z0' is an entry of an unknown type");
      expect(ms).toBeLessThan(200);
    });

    it.each([
      ['../../etc/x', "a path that leaves the archive ('..')"],
      ['/etc/passwd', 'an absolute path'],
    ])("checks the path '%s' of an entry of an unknown type", async (path, what) => {
      const error = await refusal(buildTarGz([{ path: 'a.lic', content: TOKEN_A }, { path, typeflag: 'Z' }]));
      expect(error.message).toContain(`Archive entry '${path}' has ${what}`);
    });

    it('checks the path of a FIFO entry', async () => {
      const tar = Buffer.concat([tarEntry({ path: '/dev/x', type: 'FIFO' }), END]);
      expect((await refusal(gzipSync(tar))).message).toContain("Archive entry '/dev/x' has an absolute path");
    });

    it('counts PAX extended headers: 40 files with one each are 80 headers', async () => {
      const tar = Buffer.concat([
        ...Array.from({ length: 40 }, (_, i) =>
          Buffer.concat([new Pax({ path: `long/${'p'.repeat(120)}/${i}.lic` }).encode(), tarEntry({ path: `${i}.lic`, type: 'File' }, Buffer.from(token(i)))]),
        ),
        END,
      ]);
      const error = await refusal(gzipSync(tar));
      expect(error.message).toContain('more than 64 entries (every header counts, directories included)');
    });

    it('accepts 32 files with a PAX header each (64 headers)', async () => {
      const tar = Buffer.concat([
        ...Array.from({ length: 32 }, (_, i) =>
          Buffer.concat([new Pax({ path: `long/${'p'.repeat(120)}/${i}.lic` }).encode(), tarEntry({ path: `${i}.lic`, type: 'File' }, Buffer.from(token(i)))]),
        ),
        END,
      ]);
      const file = await readLicenseFile(gzipSync(tar));
      expect(file.tokens).toHaveLength(32);
      expect(file.tokens[0].source).toBe(`entry 'long/${'p'.repeat(120)}/0.lic', line 1`);
    });

    it('refuses a PAX header too large to be a path', async () => {
      const tar = Buffer.concat([
        new Pax({ comment: 'c'.repeat(70 * 1024) } as any).encode(),
        tarEntry({ path: 'a.lic', type: 'File' }, Buffer.from(TOKEN_A)),
        END,
      ]);
      expect((await refusal(gzipSync(tar))).message).toContain('extended header of more than 64 KiB');
    });
  });

  describe('floods stop at the limit', () => {
    /** The archive of the review: 64 entries of 128 KiB of "a ", 11 KB compressed. */
    const wordFlood = (word: string) =>
      buildTarGz(Array.from({ length: 64 }, (_, i) => ({ path: `f${i}.txt`, content: `${word} `.repeat((128 * 1024) / (word.length + 1)) })));

    it('refuses 64 × 128 KiB of "a " at the first word, in well under 200 ms of CPU and a few MiB', async () => {
      const archive = wordFlood('a');
      expect(archive.length).toBeLessThan(64 * 1024);
      const { error, ms, grownBy } = await measured(archive);
      expect(error.message).toMatch(/^This is not a license file: entry 'f0.txt', line 1 has 'a'/);
      expect(ms).toBeLessThan(200);
      expect(grownBy).toBeLessThan(48 * MiB);
    });

    it('refuses 64 × 128 KiB of JWS-shaped words at the 257th, in well under 200 ms of CPU and a few MiB', async () => {
      const archive = wordFlood('a.b.c');
      const { error, ms, grownBy } = await measured(archive);
      expect(error.message).toContain('more than 256 tokens');
      expect(ms).toBeLessThan(200);
      expect(grownBy).toBeLessThan(48 * MiB);
    });

    it('refuses 1 MiB of JWS-shaped words in text at the 257th, quickly', async () => {
      const text = enc('a.b.c '.repeat(Math.floor(MiB / 6)));
      const { error, ms, grownBy } = await measured(text);
      expect(error.message).toContain('more than 256 tokens');
      expect(ms).toBeLessThan(200);
      expect(grownBy).toBeLessThan(16 * MiB);
    });

    it('says 1 MiB of words with no token holds no license, quickly', async () => {
      const { error, ms } = await measured(enc('a '.repeat(MiB / 2)));
      expect(error.message).toMatch(/^This file holds no license: it has no license token \(line 1 has 'a'/);
      expect(ms).toBeLessThan(200);
    });

    it('reads at most 256 tokens, the last at its place', async () => {
      const text = Array.from({ length: 256 }, (_, i) => token(i)).join('\n');
      const file = await readLicenseFile(enc(text));
      expect(file.tokens[255]).toEqual({ token: token(255), source: 'line 256' });
    });
  });
});
