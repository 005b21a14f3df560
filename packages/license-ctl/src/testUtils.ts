import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { run } from './index';

/** Runs license-ctl in-process; returns the exit code, stdout and the stderr lines. */
export async function cli(...argv: string[]) {
  const out: string[] = [];
  const errText: string[] = [];
  const code = await run(argv, { out: { line: s => out.push(s) }, err: { write: s => errText.push(s) } });
  const err = errText.join('').split('\n').filter(l => l.trim() !== '');
  return { code, out: out.join('\n'), err };
}

/**
 * A stand-in portal for the admin verbs: answers from `routes` (keyed
 * `METHOD /path`, 404 otherwise) and remembers every request in `seen`.
 * Registers its own jest hooks: started once, both emptied before each test.
 */
export function standInPortal() {
  const seen: Array<{ method: string; url: string; authorization?: string; body: string }> = [];
  const routes: Record<string, () => { status: number; body?: unknown }> = {};
  const stub = { seen, routes, url: '' };
  let server: Server;
  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body: Buffer.concat(chunks).toString() });
      const answer = routes[`${req.method} ${req.url}`]?.() ?? { status: 404, body: { error: { message: `no route ${req.url}` } } };
      res.statusCode = answer.status;
      if (answer.body !== undefined) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(answer.body));
      } else {
        res.end();
      }
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));
  beforeEach(() => {
    seen.length = 0;
    for (const key of Object.keys(routes)) delete routes[key];
  });
  return stub;
}
