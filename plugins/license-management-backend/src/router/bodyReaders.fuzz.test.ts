import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { InputError } from '@backstage/errors';
import type { Request } from 'express';
import fc from 'fast-check';
import { LICENSE_FILE_LIMITS } from '@backstage-licensing/plugin-license-management-common';
import { PayloadTooLargeError } from '@backstage-licensing/plugin-license-management-node';
import { JSON_LIMIT, readJson } from './readJson';
import { readUpload } from './readUpload';

/*
 * Properties of the body readers over generated bodies, cut into generated
 * chunks, with sizes around the limits and no Content-Length: a body within
 * the limit is read whole and exactly; a body over it is refused with 413
 * after reading at most the limit and a chunk or two more; nothing but
 * InputError (400) or PayloadTooLargeError (413) is ever thrown; each body is
 * answered within the time bound. FUZZ_RUNS inputs per property (300 by
 * default; `npm run fuzz` runs 10,000), FUZZ_MAX_MS of CPU per input.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const MAX_MS = Number(process.env.FUZZ_MAX_MS ?? 50);
const TIMEOUT = 60_000 + RUNS * 40;
const LIMIT = LICENSE_FILE_LIMITS.maxUploadBytes;
const MULTIPART_LIMIT = LIMIT + LICENSE_FILE_LIMITS.maxMultipartOverheadBytes;
const HIGH_WATER = 16 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** A request whose body arrives in the given chunks; counts what the reader pulled. */
class FakeRequest extends Readable {
  pulled = 0;
  private next = 0;
  readonly res = {
    headersSent: false,
    headers: {} as Record<string, string>,
    setHeader(name: string, value: string) {
      this.headers[name.toLowerCase()] = value;
    },
  };
  constructor(
    private readonly chunks: Buffer[],
    readonly headers: Record<string, string>,
  ) {
    super({ highWaterMark: HIGH_WATER });
  }
  _read() {
    const chunk = this.chunks[this.next++];
    if (chunk) this.pulled += chunk.length;
    this.push(chunk ?? null);
  }
}

/** Cuts a body into chunks whose sizes cycle through `pattern` (never more than 4,096 chunks). */
function cut(body: Buffer, pattern: number[]): Buffer[] {
  const least = Math.max(1, Math.ceil(body.length / 4096));
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < body.length; i++) {
    const size = Math.max(least, pattern[i % pattern.length]);
    chunks.push(body.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

const pattern = fc.array(fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 512, max: 256 * 1024 })), {
  minLength: 1,
  maxLength: 6,
});
/** Sizes around a limit: just under, at, just over, and anywhere up to twice it. */
const sizeAround = (limit: number) =>
  fc.oneof(fc.integer({ min: limit - 3, max: limit + 3 }), fc.integer({ min: 0, max: 2 * limit }), fc.integer({ min: 0, max: 64 }));

class Stats {
  inputs = 0;
  accepted = 0;
  refused = 0;
  crashes = 0;
  maxMs = 0;
  maxWallMs = 0;
  retried = 0;
  private readonly started = Date.now();
  private readonly heapBefore = heap();
  constructor(readonly name: string) {}

  /**
   * Reads one body from a fresh request, timed in CPU; returns the request and
   * the result or the (domain) error. An input over the bound is read again:
   * once may be a garbage collection, an input that is slow is slow again.
   */
  async read<T>(
    make: () => FakeRequest,
    reader: (req: Request) => Promise<T>,
  ): Promise<{ req: FakeRequest } & ({ value: T } | { error: InputError | PayloadTooLargeError })> {
    const measure = async () => {
      const req = make();
      const wall = performance.now();
      const cpu = process.cpuUsage();
      const outcome = await reader(req as unknown as Request).then(
        value => ({ value }),
        (error: unknown) => ({ error }),
      );
      const used = process.cpuUsage(cpu);
      return { req, outcome, ms: (used.user + used.system) / 1000, wallMs: performance.now() - wall };
    };
    this.inputs += 1;
    let result = await measure();
    if (this.inputs > 10) {
      if (result.ms > MAX_MS) {
        this.retried += 1;
        gc();
        result = await measure();
        if (result.ms > MAX_MS) {
          throw new Error(`${this.name}: one input took ${result.ms.toFixed(1)} ms of CPU twice (bound ${MAX_MS} ms)`);
        }
      }
      this.maxMs = Math.max(this.maxMs, result.ms);
      this.maxWallMs = Math.max(this.maxWallMs, result.wallMs);
    }
    const { req, outcome } = result;
    if ('error' in outcome) {
      if (outcome.error instanceof PayloadTooLargeError || outcome.error instanceof InputError) {
        this.refused += 1;
        return { req, error: outcome.error };
      }
      this.crashes += 1;
      throw outcome.error;
    }
    this.accepted += 1;
    return { req, value: outcome.value };
  }

  finish() {
    const grown = heap() - this.heapBefore;
    if (process.env.FUZZ_REPORT) {
      // eslint-disable-next-line no-console
      console.log(
        `FUZZ ${this.name}: ${this.inputs} inputs in ${((Date.now() - this.started) / 1000).toFixed(1)} s, ` +
          `accepted ${this.accepted}, refused ${this.refused}, crashes ${this.crashes}, ` +
          `max ${this.maxMs.toFixed(1)} ms CPU (${this.maxWallMs.toFixed(1)} ms wall) per input, ${this.retried} timed twice, heap ${(grown / 1048576).toFixed(1)} MiB after`,
      );
    }
    expect(this.crashes).toBe(0);
    expect(grown).toBeLessThan(64 * 1024 * 1024);
  }
}

/** A body of `size` bytes, mostly `fill`, with a few bytes set so that it is not uniform. */
function bodyOf(size: number, fill: number, marks: number[]): Buffer {
  const body = Buffer.alloc(size, fill);
  for (const m of marks) if (size > 0) body[m % size] = m & 0xff;
  return body;
}

describe('the body readers under fuzzing', () => {
  it(
    'read raw uploads whole up to 1 MiB and refuse more with 413, reading no further',
    async () => {
      const stats = new Stats('body: raw uploads');
      await fc.assert(
        fc.asyncProperty(
          sizeAround(LIMIT),
          pattern,
          fc.integer({ min: 0, max: 255 }),
          fc.array(fc.nat(), { maxLength: 4 }),
          fc.constantFrom('text/plain', 'application/gzip', 'application/octet-stream'),
          async (size, sizes, fill, marks, type) => {
            const body = bodyOf(size, fill, marks);
            const chunks = cut(body, sizes);
            const result = await stats.read(() => new FakeRequest(chunks, { 'content-type': type }), readUpload);
            const { req } = result;
            const biggest = Math.max(0, ...chunks.map(c => c.length));
            if (size <= LIMIT) {
              expect('value' in result && result.value.equals(body)).toBe(true);
            } else {
              expect('error' in result && result.error instanceof PayloadTooLargeError).toBe(true);
              expect(req.pulled).toBeLessThanOrEqual(LIMIT + 2 * biggest + HIGH_WATER);
              expect(req.res.headers.connection).toBe('close');
            }
          },
        ),
        { numRuns: RUNS },
      );
      stats.finish();
    },
    TIMEOUT,
  );

  it(
    'read the multipart field "file" up to 1 MiB and refuse a larger file or body with 413',
    async () => {
      const stats = new Stats('body: multipart uploads');
      await fc.assert(
        fc.asyncProperty(
          sizeAround(LIMIT),
          fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 96 * 1024 })),
          fc.boolean(),
          pattern,
          fc.integer({ min: 0, max: 255 }),
          async (size, extra, extraFirst, sizes, fill) => {
            const boundary = 'fuzzBOUNDARY';
            const file = bodyOf(size, fill, [size >> 1]);
            const part = (name: string, content: Buffer) =>
              Buffer.concat([
                Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.bin"\r\n\r\n`),
                content,
                Buffer.from('\r\n'),
              ]);
            const parts = [part('file', file)];
            if (extra) parts[extraFirst ? 'unshift' : 'push'](part('other', Buffer.alloc(extra, 'x')));
            const body = Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
            const chunks = cut(body, sizes);
            const result = await stats.read(
              () => new FakeRequest(chunks, { 'content-type': `multipart/form-data; boundary=${boundary}` }),
              readUpload,
            );
            const { req } = result;
            if (body.length <= MULTIPART_LIMIT && size <= LIMIT) {
              expect('value' in result && result.value.equals(file)).toBe(true);
            } else {
              expect('error' in result && result.error instanceof PayloadTooLargeError).toBe(true);
              expect(req.pulled).toBeLessThanOrEqual(MULTIPART_LIMIT + 2 * 256 * 1024 + HIGH_WATER);
            }
          },
        ),
        { numRuns: RUNS },
      );
      stats.finish();
    },
    TIMEOUT,
  );

  it(
    'refuse malformed multipart bodies with 400 or 413 only',
    async () => {
      const stats = new Stats('body: malformed multipart');
      const boundary = 'fuzzB';
      const piece = fc.oneof(
        fc.uint8Array({ maxLength: 300 }).map(b => Buffer.from(b)),
        fc.constantFrom(
          `--${boundary}\r\n`,
          `--${boundary}--\r\n`,
          'Content-Disposition: form-data; name="file"; filename="a"\r\n',
          'Content-Disposition: form-data; name="file"\r\n',
          'Content-Type: text/plain\r\n',
          '\r\n',
          '\r\n\r\n',
          `\r\n--${boundary}`,
        ).map(s => Buffer.from(s)),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(piece, { maxLength: 30 }), pattern, fc.boolean(), async (pieces, sizes, noBoundary) => {
          const chunks = cut(Buffer.concat(pieces), sizes);
          const type = noBoundary ? 'multipart/form-data' : `multipart/form-data; boundary=${boundary}`;
          await stats.read(() => new FakeRequest(chunks, { 'content-type': type }), readUpload);
        }),
        { numRuns: RUNS },
      );
      stats.finish();
    },
    TIMEOUT,
  );

  it(
    'read JSON bodies up to 64 KiB and refuse more with 413, reading no further',
    async () => {
      const stats = new Stats('body: JSON');
      await fc.assert(
        fc.asyncProperty(
          fc.jsonValue({ maxDepth: 3 }),
          sizeAround(JSON_LIMIT),
          pattern,
          fc.oneof(fc.constant(undefined), fc.uint8Array({ maxLength: 64 })),
          async (value, size, sizes, garbage) => {
            const text = JSON.stringify(value);
            const body = garbage
              ? Buffer.concat([Buffer.from(garbage), Buffer.alloc(Math.max(0, size - garbage.length), ' ')])
              : Buffer.concat([Buffer.from(text), Buffer.alloc(Math.max(0, size - Buffer.byteLength(text)), ' ')]);
            const chunks = cut(body, sizes);
            const result = await stats.read(() => new FakeRequest(chunks, { 'content-type': 'application/json' }), readJson);
            const { req } = result;
            const biggest = Math.max(0, ...chunks.map(c => c.length));
            if (body.length > JSON_LIMIT) {
              expect('error' in result && result.error instanceof PayloadTooLargeError).toBe(true);
              expect(req.pulled).toBeLessThanOrEqual(JSON_LIMIT + 2 * biggest + HIGH_WATER);
            } else if (!garbage) {
              expect('value' in result && result.value).toEqual(text.trim() === '' ? {} : JSON.parse(text));
            }
          },
        ),
        { numRuns: RUNS },
      );
      stats.finish();
    },
    TIMEOUT,
  );
});
