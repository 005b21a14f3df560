import { gunzipSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { isGzip } from '@backstage-licensing/plugin-license-management-common';
import { readLicenseFile } from '@backstage-licensing/plugin-license-management-common/node';
import { buildTarGz } from './archive';
import { goodClaims, vendor, VENDOR_KID } from './testUtils';
import { signLicenseToken } from './sign';

/** The entries of a .tar.gz: path, type and contents. */
function entriesOf(gz: Buffer) {
  const out: { path: string; type: string; content: string }[] = [];
  const parser = new Parser({ strict: true });
  parser.on('entry', (e: ReadEntry) => {
    const chunks: Buffer[] = [];
    e.on('data', (c: Buffer) => chunks.push(c));
    e.on('end', () =>
      out.push({ path: e.path, type: e.type, content: Buffer.concat(chunks).toString() }),
    );
  });
  parser.end(gunzipSync(gz));
  return out;
}

describe('buildTarGz', () => {
  it('builds a gzip-compressed tar archive of the entries, in order', () => {
    const gz = buildTarGz([
      { path: 'licenses', type: 'Directory' },
      { path: 'licenses/base.lic', content: 'token-1\n' },
      { path: 'plus.lic', content: new TextEncoder().encode('token-2\n') },
    ]);
    expect(isGzip(gz)).toBe(true);
    expect(entriesOf(gz).map(({ path, type, content }) => [path, type, content])).toEqual([
      ['licenses', 'Directory', ''],
      ['licenses/base.lic', 'File', 'token-1\n'],
      ['plus.lic', 'File', 'token-2\n'],
    ]);
  });

  it('writes the typeflag it is given, with a checksum the reader accepts (hostile archives in tests)', () => {
    const [entry] = entriesOf(buildTarGz([{ path: 'odd', content: 'x', typeflag: '3' }]));
    expect(entry.type).toBe('CharacterDevice');
  });

  it('builds archives a portal reads: the tokens of each file, in order', async () => {
    const token = await signLicenseToken(goodClaims(), { kid: VENDOR_KID, privateKeyPem: vendor.privateKeyPem });
    const gz = buildTarGz([
      { path: 'base-standard.lic', content: `${token}\n` },
      { path: 'notes/plus.lic', content: `# a comment\n${token}\n` },
    ]);
    const file = await readLicenseFile(gz);
    expect(file.format).toBe('archive');
    expect(file.tokens).toEqual([
      { token, source: "entry 'base-standard.lic', line 1" },
      { token, source: "entry 'notes/plus.lic', line 2" },
    ]);
  });
});
