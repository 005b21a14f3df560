import { ResponseError } from '@backstage/errors';
import { registerMswTestHooks } from '@backstage/test-utils';
import { setupServer } from 'msw/node';
import { aPool, someSites, validStatus } from '../testUtils/fixtures';
import { createTestClient } from '../testUtils/render';
import { type FakeBackend, licenseHandlers } from '../testUtils/server';

const server = setupServer();
registerMswTestHooks(server);

let fake: FakeBackend;
beforeEach(() => {
  fake = { status: validStatus(), licenses: [], records: [], seen: [] };
  server.use(...licenseHandlers(fake));
});

describe('LicenseManagementClient: server licensing', () => {
  it('connects to a license server with PUT /server, reads the connection without the credential, and disconnects', async () => {
    const client = createTestClient();
    expect(await client.getServerConnection()).toEqual({ url: null, modules: [], quota: {}, source: 'none' });
    const connected = await client.connectServer({ url: 'http://licenses.example.com:7007', credential: 'secret' });
    expect(connected).toMatchObject({ url: 'http://licenses.example.com:7007', modules: [], quota: {}, source: 'runtime' });
    expect(connected.server?.status).toBe('connected');
    expect(JSON.stringify(await client.getServerConnection())).not.toContain('secret');
    await client.disconnectServer();
    expect((await client.getServerConnection()).source).toBe('none');
    expect(fake.seen).toEqual(['GET /server', 'PUT /server', 'GET /server', 'DELETE /server', 'GET /server']);
  });

  it('lists, registers and revokes client sites and reads the pool', async () => {
    fake.sites = someSites();
    fake.pool = aPool();
    const client = createTestClient();
    expect((await client.listSharingSites()).map(s => s.name)).toEqual(['Branch office', 'Lab']);
    expect(await client.getSharingPool()).toEqual(aPool());
    const site = await client.registerSharingSite('Factory');
    expect(site).toMatchObject({ id: 'site-3', name: 'Factory' });
    expect(site.credential.length).toBeGreaterThan(20);
    await client.revokeSharingSite('site-1');
    expect((await client.listSharingSites()).map(s => s.id)).toEqual(['site-2', 'site-3']);
  });

  it("throws the server's error where sharing is not enabled", async () => {
    const error = await createTestClient()
      .getSharingPool()
      .catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(404);
    expect(error.cause.message).toMatch(/licenseManagement.sharing.enabled/);
  });
});
