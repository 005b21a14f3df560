import { ResponseError } from '@backstage/errors';
import { MockFetchApi, mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { validStatus } from '../testUtils/fixtures';
import { API, errorBody } from '../testUtils/server';
import { LicenseManagementClient } from './LicenseManagementClient';

const server = setupServer();
registerMswTestHooks(server);

const client = (identityToken?: string) =>
  new LicenseManagementClient({
    discoveryApi: mockApis.discovery(),
    fetchApi: new MockFetchApi({ injectIdentityAuth: { token: 'fetch-token' } }),
    identityApi: identityToken ? { getCredentials: async () => ({ token: identityToken }) } : undefined,
  });

describe('LicenseManagementClient', () => {
  it('reads the status from the plugin base URL with the fetchApi credentials', async () => {
    let auth: string | null = null;
    server.use(
      http.get(`${API}/status`, ({ request }) => {
        auth = request.headers.get('authorization');
        return HttpResponse.json(validStatus());
      }),
    );
    expect((await client().getStatus()).edition).toBe('enterprise-prepaid');
    expect(auth).toBe('Bearer fetch-token');
  });

  it("throws a ResponseError that carries the server's error", async () => {
    server.use(http.delete(`${API}/licenses/:id`, () => errorBody(409, 'ConflictError', 'The Base license cannot be deleted.')));
    const error = await client().deleteLicense('lic-base').catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(409);
    expect(error.cause.message).toBe('The Base license cannot be deleted.');
  });

  it('sends record filters as query parameters and leaves out empty ones', async () => {
    let url = '';
    server.use(
      http.get(`${API}/records`, ({ request }) => {
        url = request.url;
        return HttpResponse.json({ items: [], nextCursor: null });
      }),
    );
    await client().getRecords({ limit: 50, cursor: '123', type: 'plus', item: 'vmware', q: '', state: undefined });
    expect(url).toBe(`${API}/records?limit=50&cursor=123&type=plus&item=vmware`);
  });

  it('names the request key file as the server does', async () => {
    server.use(
      http.get(
        `${API}/request-key`,
        () =>
          new HttpResponse('# request key\n', {
            headers: { 'content-type': 'text/plain', 'content-disposition': 'attachment; filename="request-key-ABCDE.txt"' },
          }),
      ),
    );
    const file = await client().downloadRequestKey();
    expect(file.fileName).toBe('request-key-ABCDE.txt');
    expect(await file.content.text()).toBe('# request key\n');
  });

  it('names the request key file by the Key ID inside when the header is not exposed (CORS)', async () => {
    server.use(
      http.get(`${API}/request-key`, () => new HttpResponse('# Request key\n# Key ID: ABCDE-FGHIJ\neyJ...\n')),
    );
    expect((await client().downloadRequestKey()).fileName).toBe('request-key-ABCDE-FGHIJ.txt');
  });

  it('posts checks as JSON', async () => {
    let body: unknown;
    server.use(
      http.post(`${API}/check`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ allowed: true, code: 'OK', message: 'Licensed.' });
      }),
    );
    expect(await client().check({ feature: 'vmware', metric: 'vmware-cpus', amount: 2 })).toEqual({
      allowed: true,
      code: 'OK',
      message: 'Licensed.',
    });
    expect(body).toEqual({ feature: 'vmware', metric: 'vmware-cpus', amount: 2 });
  });

  it('uploads an archive as application/gzip, by its content', async () => {
    let type: string | null = null;
    server.use(
      http.post(`${API}/licenses`, ({ request }) => {
        type = request.headers.get('content-type');
        return HttpResponse.json({ installed: [], unchanged: [] });
      }),
    );
    await client().uploadLicense(new Blob([new Uint8Array([0x1f, 0x8b, 8, 0])]));
    expect(type).toBe('application/gzip');
  });

  it('uploads with XMLHttpRequest and the user token when progress is asked for', async () => {
    let auth: string | null = null;
    let text = '';
    server.use(
      http.post(`${API}/licenses`, async ({ request }) => {
        auth = request.headers.get('authorization');
        text = await request.text();
        return HttpResponse.json({ installed: [], unchanged: [] }, { status: 200 });
      }),
    );
    const onProgress = jest.fn();
    const result = await client('xhr-token').uploadLicense(new Blob(['token-1\n']), { onProgress });
    expect(result).toEqual({ installed: [], unchanged: [] });
    expect(auth).toBe('Bearer xhr-token');
    expect(text).toBe('token-1\n');
  });

  it('turns an XMLHttpRequest error answer into a ResponseError too', async () => {
    server.use(http.post(`${API}/licenses`, () => errorBody(400, 'InputError', 'Token 1 was rejected: it has expired.')));
    const error = await client('xhr-token')
      .uploadLicense(new Blob(['x']), { onProgress: () => {} })
      .catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.cause.message).toBe('Token 1 was rejected: it has expired.');
  });
});
