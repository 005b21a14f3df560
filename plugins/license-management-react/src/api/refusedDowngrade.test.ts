import { ResponseError } from '@backstage/errors';
import { MockFetchApi, mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { CONSEQUENCES, downgradeRefusal } from '../testUtils/downgrade';
import { aLicense } from '../testUtils/fixtures';
import { API, errorBody } from '../testUtils/server';
import { LicenseManagementClient } from './LicenseManagementClient';
import { refusedDowngrade } from './refusedDowngrade';

const server = setupServer();
registerMswTestHooks(server);

const client = (identityToken?: string) =>
  new LicenseManagementClient({
    discoveryApi: mockApis.discovery(),
    fetchApi: new MockFetchApi(),
    identityApi: identityToken ? { getCredentials: async () => ({ token: identityToken }) } : undefined,
  });

describe('downgrades through the client', () => {
  it('reads the consequences of a refused upload, by fetch or XMLHttpRequest', async () => {
    server.use(http.post(`${API}/licenses`, () => downgradeRefusal()));
    for (const options of [{}, { onProgress: () => {} }]) {
      const error = await client('xhr').uploadLicense(new Blob(['x']), options).catch(e => e);
      expect(ResponseError.is(error)).toBe(true);
      expect(refusedDowngrade(error)).toEqual({
        message: expect.stringMatching(/^Nothing was installed: this upload would reduce/),
        consequences: CONSEQUENCES,
      });
    }
  });

  it('reads them from the error object when the body has none at the top level', async () => {
    server.use(
      http.post(`${API}/licenses`, () =>
        HttpResponse.json(
          { error: { name: 'ConflictError', message: 'Refused.', consequences: ['One.'] }, response: { statusCode: 409 } },
          { status: 409 },
        ),
      ),
    );
    const error = await client().uploadLicense(new Blob(['x'])).catch(e => e);
    expect(refusedDowngrade(error)).toEqual({ message: 'Refused.', consequences: ['One.'] });
  });

  it('is undefined for any other error', async () => {
    server.use(http.post(`${API}/licenses`, () => errorBody(409, 'ConflictError', 'A different license with the id x is installed.')));
    expect(refusedDowngrade(await client().uploadLicense(new Blob(['x'])).catch(e => e))).toBeUndefined();
    expect(refusedDowngrade(new Error('x'))).toBeUndefined();
    expect(refusedDowngrade(undefined)).toBeUndefined();
  });

  it('sends acknowledge=true when asked, by fetch or XMLHttpRequest', async () => {
    const urls: string[] = [];
    server.use(
      http.post(`${API}/licenses`, ({ request }) => {
        urls.push(new URL(request.url).search);
        return HttpResponse.json({ installed: [aLicense()], unchanged: [], superseded: [] }, { status: 201 });
      }),
    );
    await client().uploadLicense(new Blob(['x']), { acknowledge: true });
    await client('xhr').uploadLicense(new Blob(['x']), { acknowledge: true, onProgress: () => {} });
    await client().uploadLicense(new Blob(['x']));
    expect(urls).toEqual(['?acknowledge=true', '?acknowledge=true', '']);
  });

  it('reinstates a license by id, acknowledged or not', async () => {
    const calls: string[] = [];
    server.use(
      http.post(`${API}/licenses/:id/reinstate`, ({ request, params }) => {
        calls.push(`${params.id}${new URL(request.url).search}`);
        return HttpResponse.json({ reinstated: aLicense({ id: String(params.id) }), superseded: [] });
      }),
    );
    expect((await client().reinstateLicense('lic/1')).reinstated.id).toBe('lic/1');
    await client().reinstateLicense('lic-2', { acknowledge: true });
    expect(calls).toEqual(['lic/1', 'lic-2?acknowledge=true']);
  });
});
