import type {
  CheckResult,
  LicenseRecord,
  LicenseStatus,
  LicenseView,
  ServerConnection,
} from '@backstage-licensing/plugin-license-management-common';
import { http, HttpResponse } from 'msw';
import type {
  ServerConnectRequest,
  SharingPoolItem,
  SharingSite,
} from '../api/serverLicensing';

/** Where msw answers in tests: the mock discovery's URL of the plugin. */
export const API = 'http://example.com/api/license-management';

/** What the fake backend holds; tests change it between requests. */
export interface FakeBackend {
  status: LicenseStatus;
  licenses: LicenseView[];
  records: LicenseRecord[];
  check?: (body: { feature: string }) => CheckResult;
  /** Every request seen, as "METHOD /path?query". */
  seen: string[];
  /** `GET /server`; none connected when absent. */
  connection?: ServerConnection;
  /** How `PUT /server` answers (default: connected, and the status says so). */
  connect?: (body: ServerConnectRequest) => Response | undefined;
  /** On a license server: `GET /sharing/sites` and `/sharing/pool` (404 when absent, as without sharing). */
  sites?: SharingSite[];
  pool?: SharingPoolItem[];
}

const NO_CONNECTION: ServerConnection = { url: null, modules: [], quota: {}, source: 'none' };
const NOT_SHARING = 'License sharing is not enabled on this portal: set licenseManagement.sharing.enabled to true.';

export const errorBody = (status: number, name: string, message: string) =>
  HttpResponse.json({ error: { name, message }, request: { method: 'GET', url: '/' }, response: { statusCode: status } }, { status });

/** msw handlers for the routes the frontend uses, answering from `fake`. */
export function licenseHandlers(fake: FakeBackend) {
  const seen = (request: Request) => {
    const url = new URL(request.url);
    fake.seen.push(`${request.method} ${url.pathname.replace(/^\/api\/license-management/, '')}${url.search}`);
  };
  return [
    http.get(`${API}/status`, ({ request }) => {
      seen(request);
      return HttpResponse.json(fake.status);
    }),
    http.get(`${API}/licenses`, ({ request }) => {
      seen(request);
      return HttpResponse.json(fake.licenses);
    }),
    http.delete(`${API}/licenses/:id`, ({ request, params }) => {
      seen(request);
      fake.licenses = fake.licenses.filter(l => l.id !== params.id);
      fake.status = { ...fake.status, plus: fake.status.plus.filter(l => l.id !== params.id) };
      return new HttpResponse(null, { status: 204 });
    }),
    http.post(`${API}/reload`, ({ request }) => {
      seen(request);
      return HttpResponse.json(fake.status);
    }),
    http.get(`${API}/key-id`, ({ request }) => {
      seen(request);
      return HttpResponse.json({ keyId: fake.status.keyId });
    }),
    http.get(`${API}/records`, ({ request }) => {
      seen(request);
      const url = new URL(request.url);
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const cursor = url.searchParams.get('cursor');
      const filters = (['type', 'item', 'method', 'state', 'action'] as const)
        .map(key => [key, url.searchParams.get(key)] as const)
        .filter(([, value]) => value !== null);
      const q = url.searchParams.get('q')?.toLowerCase();
      const rows = fake.records.filter(
        r =>
          filters.every(([key, value]) => r[key] === value) &&
          (!q || [r.licenseId, r.item, r.actor, r.detail].some(text => text?.toLowerCase().includes(q))),
      );
      const start = cursor ? rows.findIndex(r => Number(r.id) < Number(cursor)) : 0;
      const items = start < 0 ? [] : rows.slice(start, start + limit);
      const more = start >= 0 && start + limit < rows.length;
      return HttpResponse.json({ items, nextCursor: more ? items[items.length - 1].id : null });
    }),
    http.get(`${API}/server`, ({ request }) => {
      seen(request);
      return HttpResponse.json(fake.connection ?? NO_CONNECTION);
    }),
    http.put(`${API}/server`, async ({ request }) => {
      seen(request);
      const body = (await request.json()) as ServerConnectRequest;
      const answer = fake.connect?.(body);
      if (answer) return answer;
      fake.connection = { url: body.url, modules: body.modules ?? [], quota: body.quota ?? {}, source: 'runtime' };
      fake.status = {
        ...fake.status,
        method: 'server',
        server: {
          status: 'connected',
          url: body.url,
          lastContactAt: new Date().toISOString(),
          graceUntil: null,
          message: `Connected to the license server at ${body.url}.`,
        }
      };
      return HttpResponse.json({ ...fake.connection, server: fake.status.server });
    }),
    http.delete(`${API}/server`, ({ request }) => {
      seen(request);
      fake.connection = NO_CONNECTION;
      fake.status = {
        ...fake.status,
        server: { status: 'not-configured', url: null, lastContactAt: null, graceUntil: null, message: null }
      };
      return new HttpResponse(null, { status: 204 });
    }),
    http.get(`${API}/sharing/sites`, ({ request }) => {
      seen(request);
      return fake.sites ? HttpResponse.json(fake.sites) : errorBody(404, 'NotFoundError', NOT_SHARING);
    }),
    http.post(`${API}/sharing/sites`, async ({ request }) => {
      seen(request);
      if (!fake.sites) return errorBody(404, 'NotFoundError', NOT_SHARING);
      const { name } = (await request.json()) as { name: string };
      const id = `site-${fake.sites.length + 1}`;
      fake.sites = [...fake.sites, { id, name, createdAt: new Date().toISOString(), lastSeenAt: null, lease: null }];
      return HttpResponse.json({ id, name, credential: `cred-${id}-0123456789abcdef0123456789abcdef` }, { status: 201 });
    }),
    http.delete(`${API}/sharing/sites/:id`, ({ request, params }) => {
      seen(request);
      if (!fake.sites?.some(s => s.id === params.id)) return errorBody(404, 'NotFoundError', `No client site ${params.id}.`);
      fake.sites = fake.sites.filter(s => s.id !== params.id);
      return new HttpResponse(null, { status: 204 });
    }),
    http.get(`${API}/sharing/pool`, ({ request }) => {
      seen(request);
      return fake.pool ? HttpResponse.json({ items: fake.pool }) : errorBody(404, 'NotFoundError', NOT_SHARING);
    }),
    http.post(`${API}/check`, async ({ request }) => {
      seen(request);
      const body = (await request.json()) as { feature: string };
      return HttpResponse.json(fake.check?.(body) ?? { allowed: true, code: 'OK', message: 'Licensed.' });
    }),
  ];
}
