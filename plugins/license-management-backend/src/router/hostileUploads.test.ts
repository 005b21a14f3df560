import { buildTarGz } from '@backstage-licensing/license-vendor';
import request from 'supertest';
import { type Harness, startHarness } from '../testing/harness';

jest.setTimeout(30_000);

const api = '/api/license-management';

/** Every spelling of a base64url part's last character that decodes to the same bytes. */
function respellings(part: string): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const bytes = Buffer.from(part, 'base64url');
  return [...alphabet]
    .map(c => part.slice(0, -1) + c)
    .filter(s => s !== part && Buffer.from(s, 'base64url').equals(bytes));
}

describe('hostile uploads are refused with a 4xx that says what to do, and change nothing', () => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness();
    base = await h.token({ type: 'base', item: 'standard' });
    expect((await h.upload(base)).status).toBe(201);
  });
  afterAll(() => h.stop());

  it('refuses an exp beyond the range of a date, and every route keeps answering', async () => {
    const before = await h.snapshot();
    const token = await h.token({ type: 'plus', item: 'backup' }, { exp: 9_000_000_000_000 });
    const res = await h.upload(token);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      "bad claim 'exp': it must be a time in seconds no later than 9999-12-31T23:59:59Z (253402300799); ask the vendor for a corrected license",
    );
    await h.expectRejected(before);
    expect((await request(h.server).get(`${api}/licenses`).set('Authorization', h.admin)).status).toBe(200);
    expect((await request(h.server).get(`${api}/records`).set('Authorization', h.admin)).status).toBe(200);
    expect((await h.upload(await h.token({ type: 'plus', item: 'backup' }))).status).toBe(201);
  });

  it('refuses another spelling of an installed token as altered, not as a conflict', async () => {
    const before = await h.snapshot();
    const [header, payload, signature] = base.split('.');
    const spellings = respellings(signature);
    expect(spellings.length).toBeGreaterThan(0);
    for (const spelling of spellings) {
      const res = await h.upload(`${header}.${payload}.${spelling}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('its signature is not canonical base64url');
      expect(res.body.error.message).toContain('upload the file exactly as received');
    }
    const again = await h.upload(base);
    expect(again.status).toBe(200);
    expect(again.body.unchanged.map((l: any) => l.id)).toHaveLength(1);
    await h.expectRejected(before, /its signature is not canonical base64url/, spellings.length);
  });

  it.each([
    ['customer', { customer: 'ACME\u202egnp.exe' }, {}, "bad claim 'license.customer'"],
    ['iss', {}, { iss: 'vendor\u001b[2J' }, "bad claim 'iss'"],
    ['sub', {}, { sub: 'key\u200f' }, "bad claim 'sub'"],
  ])('refuses control or bidirectional characters in %s, without echoing them', async (_claim, license, over, expected) => {
    const before = await h.snapshot();
    const res = await h.upload(await h.token({ type: 'plus', item: 'gpu', ...license }, over));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(expected);
    expect(res.body.error.message).not.toMatch(/[\u0000-\u001f\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    await h.expectRejected(before);
  });

  it('refuses bidirectional characters in jti', async () => {
    const before = await h.snapshot();
    const res = await h.upload(await h.token({ type: 'plus', item: 'gpu' }, { jti: 'lic\u2066-1' }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("bad claim 'jti'");
    // The rejected token's id is quoted with the mark escaped, never as the raw character.
    expect(res.body.error.message).toContain("'lic\\u{2066}-1'");
    expect(res.body.error.message).not.toContain('\u2066');
    await h.expectRejected(before);
  });

  it('refuses 2,000 archive entries of an unknown type at the first, naming it', async () => {
    const before = await h.snapshot();
    const plus = await h.token({ type: 'plus', item: 'sdn' });
    const archive = buildTarGz([
      { path: 'sdn.lic', content: plus },
      ...Array.from({ length: 2000 }, (_, i) => ({ path: `z${i}`, typeflag: 'Z' })),
    ]);
    const res = await h.upload(archive, 'application/gzip');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      "Archive entry 'z0' is an entry of an unknown type; license archives may hold only regular files and directories. Ask the vendor for an archive of plain files.",
    );
    await h.expectRejected(before);
  });

  it.each([['../../etc/x'], ['/etc/passwd']])(
    "refuses the path '%s' on an entry of an unknown type",
    async path => {
      const before = await h.snapshot();
      const plus = await h.token({ type: 'plus', item: 'sdn' });
      const res = await h.upload(
        buildTarGz([{ path: 'sdn.lic', content: plus }, { path, content: plus, typeflag: 'Z' }]),
        'application/gzip',
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(new RegExp(`^Archive entry '${path.replace(/\./g, '\\.')}' has an? `));
      await h.expectRejected(before);
    },
  );

  it('says in one sentence that a file of words holds no license', async () => {
    const before = await h.snapshot();
    const res = await h.upload('Dear admin, please find the licenses attached.\n');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      "This file holds no license: it has no license token (line 1 has 'Dear', which is not one). Upload the .txt, .lic or .tar.gz file you received from the vendor.",
    );
    await h.expectRejected(before);
  });

  it('does not take the words of one line for five licenses', async () => {
    const before = await h.snapshot();
    const plus = await h.token({ type: 'plus', item: 'cdp' });
    const res = await h.upload(`${plus} this is the cdp module\n`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^This is not a license file: line 1 has 'this', which is not a license token/);
    expect(res.body.error.message).not.toContain('expected a JWS');
    await h.expectRejected(before);
  });
});
