import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { buildTarGz, type ArchiveEntry } from '@backstage-licensing/license-vendor';
import { FuzzStats, RUNS, TIMEOUT } from './fuzzSupport';
import { LICENSE_FILE_LIMITS } from '@backstage-licensing/plugin-license-management-common';
import {
  isCompactJws,
  LicenseFileError,
  readLicenseFile,
  type LicenseFile,
} from '@backstage-licensing/plugin-license-management-common/node';

/*
 * Properties of readLicenseFile over generated input: it never throws
 * anything but LicenseFileError, answers each input within the bound, and
 * never hands out a token that is not JWS-shaped, more than 256 tokens, or a
 * token from an archive entry that has a bad path or type. Text files are
 * also read against a plain reference reading of the contract.
 */

const enc = (text: string) => new TextEncoder().encode(text);
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The contract's path rules, restated: no absolute path, no '..' segment. */
const unsafe = (path: string) => /^([\\/]|[A-Za-z]:)/.test(path) || path.split(/[\\/]/).includes('..');
/** Regular files and directories (typeflags '0', NUL, '7' and '5'). */
const allowedTypeflag = (t: string | undefined) => t === undefined || ['0', '\0', '7', '5'].includes(t);

/** Undoes the escapes of `quotable` in a path quoted by a message. */
const unquote = (quoted: string) =>
  quoted.replace(/\\u\{([0-9A-F]+)\}/g, (_, hex) => String.fromCodePoint(parseInt(hex, 16)));

/** Reads one input under the stats; returns the file, or undefined when it was refused. */
async function read(stats: FuzzStats, bytes: Uint8Array): Promise<LicenseFile | undefined> {
  const outcome = await stats.time(() =>
    readLicenseFile(bytes).then(
      file => ({ file }),
      (error: unknown) => ({ error }),
    ),
  );
  if ('error' in outcome) {
    const e = outcome.error;
    if (!(e instanceof LicenseFileError)) {
      stats.crashes += 1;
      throw e;
    }
    stats.refused += 1;
    expect([400, 413]).toContain(e.status);
    expect(e.message).toMatch(/\.$/);
    return undefined;
  }
  const { file } = outcome;
  stats.accepted += 1;
  expect(file.tokens.length).toBeGreaterThan(0);
  expect(file.tokens.length).toBeLessThanOrEqual(LICENSE_FILE_LIMITS.maxTokens);
  const bad = file.tokens.filter(({ token, source }) => {
    const entry = /^entry '(.*)', line \d+$/s.exec(source);
    return !isCompactJws(token) || (entry && unsafe(unquote(entry[1])));
  });
  expect(bad).toEqual([]);
  return file;
}

// ---- text -------------------------------------------------------------------

const jwsPart = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom(...B64URL) });
const jws = fc
  .tuple(jwsPart, jwsPart, fc.oneof(jwsPart, fc.constant('')))
  .map(([a, b, c]) => `${a}.${b}.${c}`);
const word = fc.oneof(
  fc.constantFrom('license', '#', '#x', 'a.b', 'a..b', '.a.b', 'a.b.c.d', 'é.b.c', 'x=.y.z', '\u200b', 'a.b.c\u0000'),
  fc.string({ minLength: 1, maxLength: 8, unit: 'grapheme-ascii' }).filter(s => !/\s/.test(s)),
);
const space = fc.constantFrom(' ', '\t', '  ', '\u00a0', '\u3000', '\u2028', '\r');
const piece = fc.oneof(
  { arbitrary: jws, weight: 6 },
  { arbitrary: word, weight: 1 },
  { arbitrary: space, weight: 3 },
  { arbitrary: fc.constantFrom('\n', '\r\n', '\n\n'), weight: 3 },
  { arbitrary: fc.constantFrom('# comment ', '#', '  # indented', '# a.b.c'), weight: 2 },
);
const text = fc.array(piece, { maxLength: 60 }).map(parts => parts.join(''));

/** The reading the contract describes, done the plain way. */
function reference(source: string): { token: string; source: string }[] | undefined {
  if (source.includes('\0')) return undefined; // binary, not text
  const tokens: { token: string; source: string }[] = [];
  let stray = false;
  source
    .replace(/^\ufeff/, '')
    .split('\n')
    .forEach((line, i) => {
      const trimmed = line.trim();
      if (!trimmed || trimmed.startsWith('#')) return;
      for (const w of trimmed.split(/\s+/)) {
        if (isCompactJws(w)) tokens.push({ token: w, source: `line ${i + 1}` });
        else stray = true;
      }
    });
  if (stray || tokens.length === 0 || tokens.length > LICENSE_FILE_LIMITS.maxTokens) return undefined;
  return tokens;
}

// ---- archives ---------------------------------------------------------------

/** PAX and GNU headers: they describe the next entry (its path too), and count as headers. */
const META = ['x', 'g', 'X', 'L', 'K', 'N'];
const segment = fc.constantFrom('a', 'b.lic', 'licenses', '.', '..', '', 'C:', '..\\x', 'x y', 'é', '\u202e');
const path = fc.oneof(
  fc.array(segment, { minLength: 1, maxLength: 5 }).map(s => s.join('/')),
  fc.array(segment, { minLength: 1, maxLength: 3 }).map(s => `/${s.join('/')}`),
).filter(p => Buffer.byteLength(p) <= 90);
const typeflag = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 6 },
  {
    arbitrary: fc.constantFrom('0', '\0', '7', '5', '1', '2', '3', '4', '6', 'D', 'Z', 'A', 'I', 'M', 'S', 'V', '\u00ff', '9', ...META),
    weight: 2,
  },
);
const entry: fc.Arbitrary<ArchiveEntry> = fc.record({
  path,
  content: fc.oneof(text, jws),
  typeflag,
});
const entries = fc.array(entry, { maxLength: 70 });

/**
 * Whether the reader must refuse these entries whatever they hold. (After a
 * meta header the next entry's path is the meta header's, so only the count
 * is known then.)
 */
const mustRefuse = (list: ArchiveEntry[]) =>
  list.length > LICENSE_FILE_LIMITS.maxEntries ||
  (!list.some(e => META.includes(e.typeflag ?? '')) &&
    list.some(e => !allowedTypeflag(e.typeflag) || unsafe(e.path) || e.path === ''));

describe('readLicenseFile under fuzzing', () => {
  it(
    'refuses random bytes with LicenseFileError only',
    async () => {
      const stats = new FuzzStats('file: random bytes');
      const bytes = fc.uint8Array({ maxLength: 4096 });
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            bytes,
            bytes.map(b => Buffer.concat([Buffer.from([0x1f, 0x8b]), b])),
            bytes.map(b => gzipSync(b)),
            bytes.map(b => gzipSync(Buffer.concat([b, Buffer.alloc(1024)]))),
          ),
          async input => {
            await read(stats, input);
          },
        ),
        { numRuns: RUNS },
      );
      stats.finish();
    },
    TIMEOUT,
  );

  it(
    'reads text files as the contract says (against a reference reading)',
    async () => {
      const stats = new FuzzStats('file: text against the reference');
      await fc.assert(
        fc.asyncProperty(text, async source => {
          const file = await read(stats, enc(source));
          const expected = enc(source).length === 0 ? undefined : reference(source);
          if (expected === undefined) expect(file).toBeUndefined();
          else expect(file?.tokens).toEqual(expected);
        }),
        { numRuns: RUNS },
      );
      stats.finish();
    },
    TIMEOUT,
  );

  it(
    'never reads a token from an archive with a bad entry, and reads good archives whole',
    async () => {
      const stats = new FuzzStats('file: generated archives');
      await fc.assert(
        fc.asyncProperty(entries, async list => {
          const file = await read(stats, buildTarGz(list));
          if (mustRefuse(list)) {
            expect(file).toBeUndefined();
            return;
          }
          // Only plain files with text the reference accepts, and no name a tar reader
          // takes for a directory, must be read whole.
          const plain = list.every(e => e.typeflag === undefined && !e.path.endsWith('/'));
          const texts = list.map(e => reference(String(e.content)));
          const total = texts.reduce((n, t) => n + (t?.length ?? 0), 0);
          if (plain && texts.every(t => t !== undefined) && total <= LICENSE_FILE_LIMITS.maxTokens && total > 0) {
            expect(file?.tokens.map(t => t.token)).toEqual(texts.flatMap(t => t!.map(x => x.token)));
          }
        }),
        { numRuns: RUNS },
      );
      stats.finish();
    },
    TIMEOUT,
  );

  it(
    'refuses mutated archives with LicenseFileError only, and never hands out a bad token',
    async () => {
      const stats = new FuzzStats('file: mutated archives');
      const flips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 });
      await fc.assert(
        fc.asyncProperty(entries, flips, fc.boolean(), fc.nat(), async (list, changes, inTar, cut) => {
          const gz = buildTarGz(list.slice(0, 8));
          let input: Buffer;
          if (inTar) {
            const tar = Buffer.from(gunzipSync(gz));
            for (const [at, x] of changes) tar[at % tar.length] ^= x;
            input = gzipSync(tar);
          } else {
            input = Buffer.from(gz);
            for (const [at, x] of changes) input[at % input.length] ^= x;
            if (cut % 3 === 0) input = input.subarray(0, cut % input.length);
          }
          await read(stats, input);
        }),
        { numRuns: RUNS },
      );
      stats.finish();
    },
    TIMEOUT,
  );

  it(
    'refuses random tar headers (any typeflag, name and size) with LicenseFileError only',
    async () => {
      const stats = new FuzzStats('file: random tar headers');
      const header = fc.record({
        block: fc.uint8Array({ minLength: 512, maxLength: 512 }),
        typeflag: fc.integer({ min: 0, max: 255 }),
        name: fc.oneof(path, fc.string({ maxLength: 99 })),
        size: fc.oneof(fc.nat({ max: 4096 }), fc.constantFrom(0o77777777777, 8 * 1024 * 1024 + 1)),
        body: fc.uint8Array({ maxLength: 2048 }),
        ustar: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(header, { minLength: 1, maxLength: 12 }), fc.boolean(), async (headers, end) => {
          const blocks: Buffer[] = [];
          for (const h of headers) {
            const block = Buffer.from(h.block);
            block.fill(0, 0, 100);
            block.write(h.name, 0, 100, 'utf8');
            block.write(`${h.size.toString(8).padStart(11, '0')}\0`, 124, 12, 'latin1');
            block[156] = h.typeflag;
            if (h.ustar) block.write('ustar\u000000', 257, 8, 'latin1');
            block.fill(0x20, 148, 156);
            let sum = 0;
            for (const b of block) sum += b;
            block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
            blocks.push(block, Buffer.from(h.body), Buffer.alloc((512 - (h.body.length % 512)) % 512));
          }
          if (end) blocks.push(Buffer.alloc(1024));
          await read(stats, gzipSync(Buffer.concat(blocks)));
        }),
        { numRuns: RUNS },
      );
      stats.finish();
    },
    TIMEOUT,
  );

  it(
    'holds the limits at their edges: 64 entries, 256 tokens',
    async () => {
      const stats = new FuzzStats('file: limits at their edges');
      const token = (i: number) => `eyJhbGciOiJFZERTQSJ9.${Buffer.from(`{"jti":"${i}"}`).toString('base64url')}.c2ln`;
      const built = new Map<string, Buffer>();
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 60, max: 68 }),
          fc.integer({ min: 250, max: 262 }),
          fc.integer({ min: 1, max: 4 }),
          async (entryCount, tokenCount, files) => {
            const perFile = Math.ceil(tokenCount / files);
            const key = `${entryCount}/${tokenCount}/${files}`;
            let archive = built.get(key);
            if (!archive) {
              const dirs: ArchiveEntry[] = Array.from({ length: entryCount - files }, (_, i) => ({ path: `d${i}/`, type: 'Directory' }));
              const list: ArchiveEntry[] = [
                ...dirs,
                ...Array.from({ length: files }, (_, f) => ({
                  path: `f${f}.lic`,
                  content: Array.from({ length: Math.max(0, Math.min(perFile, tokenCount - f * perFile)) }, (_, i) => token(f * 1000 + i)).join('\n') || '# none',
                })),
              ];
              archive = buildTarGz(list);
              built.set(key, archive);
            }
            const file = await read(stats, archive);
            const tokens = Math.min(tokenCount, perFile * files);
            const fits = entryCount <= LICENSE_FILE_LIMITS.maxEntries && tokens <= LICENSE_FILE_LIMITS.maxTokens;
            expect(file !== undefined).toBe(fits);
            if (file) expect(file.tokens).toHaveLength(tokens);
          },
        ),
        // 9 × 13 × 4 = 468 cases in all: 100 in npm test, 600 in the large run.
        { numRuns: RUNS > 300 ? 600 : 100 },
      );
      stats.finish();
    },
    TIMEOUT,
  );
});
