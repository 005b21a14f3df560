import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildTarGz } from '@backstage-licensing/license-vendor';
import request from 'supertest';
import { type Harness, startHarness } from '../testing/harness';

jest.setTimeout(60_000);

const api = '/api/license-management';
const MiB = 1024 * 1024;

interface Sent {
  status: number;
  body: any;
  /** Bytes of body the client had written when the answer arrived. */
  sentBeforeAnswer: number;
  /** Whether the client had finished its body when the answer arrived. */
  finished: boolean;
  /** The Connection header of the answer: 'close' when the server stops reading. */
  connection?: string;
}

/**
 * Sends a body chunk by chunk with no Content-Length (Transfer-Encoding:
 * chunked), `pause` ms apart, and stops sending as soon as the server
 * answers. `total` bytes at most; `end` finishes the body after them (else it
 * stays open, as a slow client's would).
 */
function sendChunked(
  h: Harness,
  options: {
    path: string;
    method?: string;
    headers: Record<string, string>;
    chunk: Buffer;
    total: number;
    pause?: number;
    prefix?: Buffer;
    suffix?: Buffer;
    end?: boolean;
  },
): Promise<Sent> {
  const { port } = h.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    let finished = false;
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: options.method ?? 'POST',
      path: `${api}${options.path}`,
      headers: { Authorization: h.admin, 'Transfer-Encoding': 'chunked', ...options.headers },
    });
    req.on('response', res => {
      answered = true;
      const sentBeforeAnswer = sent;
      const wasFinished = finished;
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => {
        req.destroy();
        const text = Buffer.concat(chunks).toString();
        let body: any = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({
          status: res.statusCode!,
          body,
          sentBeforeAnswer,
          finished: wasFinished,
          connection: res.headers.connection,
        });
      });
    });
    // Writing after the server closed the connection fails; that is expected once it answered.
    req.on('error', e => {
      if (!answered) reject(e);
    });
    const write = (buffer: Buffer) =>
      new Promise<void>(done => {
        sent += buffer.length;
        if (req.write(buffer)) done();
        else {
          const go = () => {
            req.off('drain', go);
            req.off('close', go);
            done();
          };
          req.on('drain', go);
          req.on('close', go);
        }
      });
    (async () => {
      if (options.prefix) await write(options.prefix);
      for (let body = 0; !answered && !req.destroyed && body < options.total; body += options.chunk.length) {
        await write(options.chunk);
        if (options.pause) await new Promise(r => setTimeout(r, options.pause));
      }
      if (options.suffix && !answered) await write(options.suffix);
      if (options.end !== false && !answered && !req.destroyed) {
        finished = true;
        req.end();
      }
    })().catch(e => {
      if (!answered) reject(e);
    });
  });
}

const health = async (h: Harness) => (await request(h.server).get(`${api}/health`)).status;

describe('body limits count the bytes received, with or without Content-Length', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    const base = await h.token({ type: 'base', item: 'standard' });
    expect((await h.upload(base)).status).toBe(201);
  });
  afterAll(() => h.stop());

  it('refuses a chunked raw upload of 20 MiB with 413 as soon as it passes 1 MiB, changing nothing', async () => {
    const before = await h.snapshot();
    const sent = await sendChunked(h, {
      path: '/licenses',
      headers: { 'Content-Type': 'text/plain' },
      chunk: Buffer.alloc(64 * 1024, 'a'),
      total: 20 * MiB,
    });
    expect(sent.status).toBe(413);
    expect(sent.body.error.message).toBe(
      'The upload is larger than 1 MiB; a license file may be at most 1 MiB. Upload the license file you received from the vendor as it is.',
    );
    // The client was still sending when the answer came (what it had handed to
    // the kernel is no measure of what the server read: see the slow drip),
    // and the server closes the connection rather than read the rest.
    expect(sent.finished).toBe(false);
    expect(sent.connection).toBe('close');
    await h.expectRejected(before);
    expect(await health(h)).toBe(200);
  });

  it('refuses a slow-drip chunked upload with 413 once it passes 1 MiB, while the client is still sending', async () => {
    const before = await h.snapshot();
    const started = Date.now();
    const sent = await sendChunked(h, {
      path: '/licenses',
      headers: { 'Content-Type': 'application/gzip' },
      chunk: Buffer.alloc(128 * 1024, 0x1f),
      total: 8 * MiB,
      pause: 20,
      end: false,
    });
    expect(sent.status).toBe(413);
    expect(sent.finished).toBe(false);
    // 1 MiB is 8 chunks; the answer comes right after the 9th, not at the end.
    expect(sent.sentBeforeAnswer).toBeGreaterThan(MiB);
    expect(sent.sentBeforeAnswer).toBeLessThanOrEqual(3 * MiB);
    expect(Date.now() - started).toBeLessThan(10_000);
    await h.expectRejected(before);
  });

  it('refuses a chunked multipart upload whose file passes 1 MiB, changing nothing', async () => {
    const before = await h.snapshot();
    const boundary = 'xBOUNDARYx';
    const sent = await sendChunked(h, {
      path: '/licenses',
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      prefix: Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.lic"\r\nContent-Type: text/plain\r\n\r\n`,
      ),
      chunk: Buffer.alloc(64 * 1024, 'a'),
      total: 20 * MiB,
      suffix: Buffer.from(`\r\n--${boundary}--\r\n`),
    });
    expect(sent.status).toBe(413);
    expect(sent.body.error.message).toContain('at most 1 MiB');
    expect(sent.finished).toBe(false);
    await h.expectRejected(before);
  });

  it('refuses a chunked multipart upload with a small file and 20 MiB in other parts', async () => {
    const before = await h.snapshot();
    const plus = await h.token({ type: 'plus', item: 'backup' });
    const boundary = 'yBOUNDARYy';
    const sent = await sendChunked(h, {
      path: '/licenses',
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      prefix: Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.lic"\r\n\r\n${plus}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="junk"; filename="junk.bin"\r\n\r\n`,
      ),
      chunk: Buffer.alloc(64 * 1024, 'j'),
      total: 20 * MiB,
      suffix: Buffer.from(`\r\n--${boundary}--\r\n`),
    });
    expect(sent.status).toBe(413);
    expect(sent.finished).toBe(false);
    await h.expectRejected(before);
  });

  it('refuses a Content-Length over the limit at once, before any byte of the body', async () => {
    const before = await h.snapshot();
    const { port } = h.server.address() as AddressInfo;
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `${api}/licenses`,
        headers: { Authorization: h.admin, 'Content-Type': 'text/plain', 'Content-Length': String(50 * MiB) },
      });
      req.on('response', res => {
        res.resume();
        req.destroy();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(status).toBe(413);
    await h.expectRejected(before);
  });

  it('installs a chunked upload within the limit (raw and multipart)', async () => {
    const plus = await h.token({ type: 'plus', item: 'vmware' });
    const raw = await sendChunked(h, {
      path: '/licenses',
      headers: { 'Content-Type': 'text/plain' },
      chunk: Buffer.from(`${plus}\n`),
      total: 1,
    });
    expect(raw.status).toBe(201);
    expect(raw.finished).toBe(true);

    const sdn = await h.token({ type: 'plus', item: 'sdn' });
    const boundary = 'zBOUNDARYz';
    const multipart = await sendChunked(h, {
      path: '/licenses',
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      prefix: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="sdn.lic"\r\n\r\n`),
      // 1 MiB exactly: the token, then a comment line filling the rest.
      chunk: Buffer.from(`${sdn}\n#${' '.repeat(MiB - sdn.length - 2)}`),
      total: 1,
      suffix: Buffer.from(`\r\n--${boundary}--\r\n`),
    });
    expect(multipart.status).toBe(201);
    expect(multipart.body.installed.map((l: any) => l.item)).toEqual(['sdn']);
  });

  it('refuses a chunked POST /check body over 64 KiB with 413 before it ends', async () => {
    const sent = await sendChunked(h, {
      path: '/check',
      headers: { 'Content-Type': 'application/json' },
      prefix: Buffer.from('{"feature":"'),
      chunk: Buffer.alloc(16 * 1024, 'x'),
      total: 20 * MiB,
      suffix: Buffer.from('"}'),
    });
    expect(sent.status).toBe(413);
    expect(sent.body.error.message).toBe('The request body is larger than 64 KiB; send a smaller JSON body.');
    expect(sent.finished).toBe(false);
    expect(await health(h)).toBe(200);
  });

  it('refuses a slow-drip POST /check body with 413 once it passes 64 KiB, while the client is still sending', async () => {
    const sent = await sendChunked(h, {
      path: '/check',
      headers: { 'Content-Type': 'application/json' },
      prefix: Buffer.from('{"feature":"'),
      chunk: Buffer.alloc(16 * 1024, 'x'),
      total: 4 * MiB,
      pause: 20,
      end: false,
    });
    expect(sent.status).toBe(413);
    expect(sent.finished).toBe(false);
    expect(sent.sentBeforeAnswer).toBeGreaterThan(64 * 1024);
    expect(sent.sentBeforeAnswer).toBeLessThan(512 * 1024);
  });

  it('refuses a slow-drip multipart body with 413 once it passes the limit, while the client is still sending', async () => {
    const before = await h.snapshot();
    const boundary = 'dBOUNDARYd';
    const sent = await sendChunked(h, {
      path: '/licenses',
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      prefix: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.lic"\r\n\r\n`),
      chunk: Buffer.alloc(128 * 1024, 'a'),
      total: 8 * MiB,
      pause: 20,
      end: false,
    });
    expect(sent.status).toBe(413);
    expect(sent.finished).toBe(false);
    expect(sent.sentBeforeAnswer).toBeGreaterThan(MiB);
    expect(sent.sentBeforeAnswer).toBeLessThanOrEqual(3 * MiB);
    await h.expectRejected(before);
  });

  it('refuses a chunked PUT /usage body over 64 KiB with 413 before it ends, and stores no usage', async () => {
    const before = await h.snapshot();
    const sent = await sendChunked(h, {
      path: '/usage/hosts',
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      prefix: Buffer.from('{"used":1,"pad":"'),
      chunk: Buffer.alloc(16 * 1024, 'x'),
      total: 20 * MiB,
      suffix: Buffer.from('"}'),
    });
    expect(sent.status).toBe(413);
    expect(sent.body.error.message).toBe('The request body is larger than 64 KiB; send a smaller JSON body.');
    expect(sent.finished).toBe(false);
    // Not an upload: nothing is recorded.
    expect(await h.snapshot()).toEqual(before);
    expect(await health(h)).toBe(200);
  });

  it('answers a chunked PUT /usage within the limit', async () => {
    const sent = await sendChunked(h, {
      path: '/usage/hosts',
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      chunk: Buffer.from('{"used":0}'),
      total: 1,
    });
    expect(sent.status).toBe(204);
  });

  it('answers a chunked POST /check within the limit', async () => {
    const sent = await sendChunked(h, {
      path: '/check',
      headers: { 'Content-Type': 'application/json' },
      chunk: Buffer.from('{"feature":"backup"}'),
      total: 1,
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ allowed: false, code: 'NOT_LICENSED' });
  });
});

describe('a token flood', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  /** The review's archive: 64 entries × 128 KiB of "a ", about 11 KB compressed. */
  const flood = buildTarGz(
    Array.from({ length: 64 }, (_, i) => ({ path: `f${i}.txt`, content: 'a '.repeat(64 * 1024) })),
  );
  /** The same with JWS-shaped words, refused at the 257th. */
  const tokenFlood = buildTarGz(
    Array.from({ length: 64 }, (_, i) => ({ path: `t${i}.txt`, content: 'a.b.c '.repeat(21_845) })),
  );

  it('is refused (400) in one sentence and quickly, and three at once leave the server answering', async () => {
    expect(flood.length).toBeLessThan(16 * 1024);
    const before = await h.snapshot();
    const started = Date.now();
    const uploads = [flood, tokenFlood, flood].map(body => h.upload(body, 'application/gzip'));
    const healthy = await health(h);
    const answers = await Promise.all(uploads);
    const ms = Date.now() - started;

    expect(healthy).toBe(200);
    expect(answers.map(a => a.status)).toEqual([400, 400, 400]);
    expect(answers[0].body.error.message).toBe(
      "This is not a license file: entry 'f0.txt', line 1 has 'a', which is not a license token (a license file holds only license tokens and # comments). Upload the .txt, .lic or .tar.gz file you received from the vendor.",
    );
    expect(answers[1].body.error.message).toContain('more than 256 tokens');
    expect(ms).toBeLessThan(3_000);
    // Each refused upload leaves one `rejected` record with its reason, and nothing else.
    const after = (await h.snapshot()) as any;
    const rejected = after.records.items.slice(0, 3);
    expect(rejected.map((r: any) => r.action)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(rejected.map((r: any) => r.detail).sort()).toEqual(answers.map(a => a.body.error.message).sort());
    expect({ ...after, records: { ...after.records, items: after.records.items.slice(3) } }).toEqual(before);
    expect(await health(h)).toBe(200);
  });
});
