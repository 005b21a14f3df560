import type net from 'node:net';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { type Harness, startHarness } from '../testing/harness';

jest.setTimeout(120_000);

const api = '/api/license-management';
const UNREACHABLE = 'http://127.0.0.1:9';

describe('GET/PUT/DELETE /server: this portal as a client site', () => {
  let server: Harness;
  let client: Harness;
  let serverUrl: string;
  let credential: string;

  beforeAll(async () => {
    server = await startHarness({ sharing: { enabled: true, leaseTtl: { minutes: 10 } } });
    const tokens = [
      await server.token({ type: 'base', item: 'enterprise-prepaid', quota: { hosts: 10 } }),
      await server.token({ type: 'plus', item: 'vmware', quota: { 'vmware-cpus': 16 } }),
    ];
    expect((await server.upload(tokens.join('\n'))).status).toBe(201);
    serverUrl = `http://127.0.0.1:${(server.server.address() as net.AddressInfo).port}`;
    credential = (await request(server.server).post(`${api}/sharing/sites`).set('Authorization', server.admin).send({ name: 'Branch' })).body
      .credential;
    // The client: a local Standard license, and a server in config that cannot be reached.
    client = await startHarness({
      server: { url: UNREACHABLE, credential: 'config-credential', quota: { hosts: 1 }, renewInterval: { seconds: 1 }, grace: { hours: 1 } },
    });
    expect((await client.upload(await client.token({ type: 'base', item: 'standard', quota: { hosts: 3 } }))).status).toBe(201);
  });
  afterAll(async () => {
    await client?.stop();
    await server?.stop();
  });

  const get = (path: string, auth = client.reader) => request(client.server).get(`${api}${path}`).set('Authorization', auth);
  const put = (body: object, auth = client.admin) => request(client.server).put(`${api}/server`).set('Authorization', auth).send(body);
  const status = async () => (await get('/status')).body;
  const until = async (what: string, condition: () => Promise<boolean>) => {
    const start = Date.now();
    while (!(await condition())) {
      if (Date.now() - start > 10_000) throw new Error(`not within 10 s: ${what}`);
      await new Promise(r => setTimeout(r, 50));
    }
  };
  const serverRecords = async () => (await get('/records?action=server&limit=50', client.admin)).body.items.map((r: any) => r.detail);

  it('GET /server needs a signed-in caller and shows the config setting without its credential', async () => {
    expect((await request(client.server).get(`${api}/server`).set('Authorization', mockCredentials.none.header())).status).toBe(401);
    const res = await get('/server');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ url: UNREACHABLE, modules: [], quota: { hosts: 1 }, source: 'config' });
    expect(JSON.stringify(res.body)).not.toContain('config-credential');
    // A server in config that does not answer: disconnected, no license (the local one does not count).
    await until('disconnected', async () => (await status()).server.status === 'disconnected');
    const s = await status();
    expect(s).toMatchObject({ state: 'community', method: null, server: { status: 'disconnected', url: UNREACHABLE, lastContactAt: null, graceUntil: null } });
    expect(s.exceptions.map((e: any) => e.code)).toEqual(['LICENSE_SERVER_DISCONNECTED']);
    // The local license stays installed and valid.
    expect((await get('/licenses')).body.map((l: any) => [l.item, l.state])).toEqual([['standard', 'valid']]);
  });

  it('PUT /server needs license.create and refuses bad settings with what to do', async () => {
    expect((await put({ url: serverUrl, credential }, client.reader)).status).toBe(403);
    const bad: Array<[object, RegExp]> = [
      [{ url: 'not a url', credential }, /backend base URL/],
      [{ url: 'ftp://x', credential }, /http or https/],
      [{ url: 'http://u:p@x', credential }, /without user, password/],
      [{ url: serverUrl }, /'credential' required/],
      [{ url: serverUrl, credential: 'a b' }, /credential/],
      [{ url: serverUrl, credential, modules: ['nope'] }, /'nope' is not a module/],
      [{ url: serverUrl, credential, quota: { nope: 1 } }, /'nope' is not a quota metric/],
      [{ url: serverUrl, credential, quota: { hosts: 1.5 } }, /integer of 0 or more/],
      [{ url: serverUrl, credential, extra: 1 }, /unrecognized key/],
    ];
    for (const [body, message] of bad) {
      const res = await put(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await get('/server')).body.source).toBe('config');
  });

  it('PUT /server with a credential the server does not know: refused with its reason', async () => {
    const res = await put({ url: serverUrl, credential: 'x.unknown' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ url: serverUrl, source: 'runtime', server: { status: 'refused', message: expect.stringMatching(/^401: .*credential/) } });
    const s = await status();
    expect(s.state).toBe('community');
    expect(s.exceptions[0]).toMatchObject({ code: 'LICENSE_SERVER_DISCONNECTED', message: expect.stringMatching(/refused this site: 401/) });
  });

  it('PUT /server with the site credential: stored, wins over config, leases at once; never shows the credential', async () => {
    const res = await put({ url: `${serverUrl}/`, credential, modules: ['vmware'], quota: { hosts: 4 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ url: serverUrl, modules: ['vmware'], quota: { hosts: 4 }, source: 'runtime', server: { status: 'connected' } });
    expect(JSON.stringify(res.body)).not.toContain(credential);
    const read = await get('/server');
    expect(read.body).toEqual({ url: serverUrl, modules: ['vmware'], quota: { hosts: 4 }, source: 'runtime' });
    expect(JSON.stringify(read.body)).not.toContain(credential.split('.')[1]);
    const s = await status();
    expect(s).toMatchObject({ state: 'valid', edition: 'enterprise-prepaid', method: 'server', exceptions: [] });
    expect(s.base).toMatchObject({ id: 'server:base', method: 'server', deletable: false, keyId: serverUrl });
    expect(s.quotas.find((q: any) => q.metric === 'hosts')).toMatchObject({ authorized: 4 });
    expect((await request(client.server).post(`${api}/check`).set('Authorization', client.reader).send({ feature: 'gpu' })).body.allowed).toBe(true);
    // The local license stays installed.
    expect((await get('/licenses')).body.map((l: any) => [l.item, l.state, l.method])).toEqual([['standard', 'valid', 'request-key']]);
    // The server sees the lease.
    const pool = (await request(server.server).get(`${api}/sharing/pool`).set('Authorization', server.admin)).body.items;
    expect(pool.find((i: any) => i.metric === 'hosts')).toMatchObject({ leased: 4 });
  });

  it('DELETE /server needs license.create; back to the local licenses, config or not; the lease is given back', async () => {
    expect((await request(client.server).delete(`${api}/server`).set('Authorization', client.reader)).status).toBe(403);
    expect((await request(client.server).delete(`${api}/server`).set('Authorization', mockCredentials.none.header())).status).toBe(401);
    expect((await put({ url: serverUrl, credential }, mockCredentials.none.header())).status).toBe(401);
    const res = await request(client.server).delete(`${api}/server`).set('Authorization', client.admin);
    expect(res.status).toBe(204);
    expect((await get('/server')).body).toEqual({ url: null, modules: [], quota: {}, source: 'none' });
    const s = await status();
    expect(s).toMatchObject({
      state: 'valid',
      edition: 'standard',
      method: 'request-key',
      exceptions: [],
      server: { status: 'not-configured', url: null, lastContactAt: null, graceUntil: null, message: null },
    });
    expect(s.quotas.find((q: any) => q.metric === 'hosts')).toMatchObject({ authorized: 3 });
    const pool = (await request(server.server).get(`${api}/sharing/pool`).set('Authorization', server.admin)).body.items;
    expect(pool.find((i: any) => i.metric === 'hosts')).toMatchObject({ leased: 0 });
    // Still off a few renewals later: config does not come back by itself.
    await new Promise(r => setTimeout(r, 1200));
    expect((await status()).server.status).toBe('not-configured');
  });

  it('records each change of the connection, by whom, once', async () => {
    const details = (await serverRecords()).reverse();
    expect(details).toEqual([
      expect.stringMatching(/^The license server http:\/\/127\.0\.0\.1:9 cannot be reached/),
      `Server licensing set: lease from ${serverUrl} (no modules; no quota).`,
      expect.stringMatching(/^The license server .* refused this site: 401: /),
      `Server licensing set: lease from ${serverUrl} (modules vmware; quota hosts=4).`,
      `Connected to the license server ${serverUrl}: edition enterprise-prepaid; modules vmware; quota hosts=4.`,
      'Server licensing turned off: this portal runs on its local licenses again.',
    ]);
    const items = (await get('/records?action=server&limit=50', client.admin)).body.items;
    expect(items[0].actor).toBe('user:default/admin');
  });
});
