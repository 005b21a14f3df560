import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './testUtils';


let dir: string;
let savedToken: string | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'license-ctl-run-'));
  savedToken = process.env.LICENSE_CTL_TOKEN;
  delete process.env.LICENSE_CTL_TOKEN;
});

afterAll(async () => {
  if (savedToken !== undefined) process.env.LICENSE_CTL_TOKEN = savedToken;
  await rm(dir, { recursive: true, force: true });
});

/** `vendor issue` with every option right, the key file absent: usage errors must come first. */
function issue(...flags: string[]) {
  return [
    'vendor', 'issue', '--key', join(dir, 'absent.key'), '--kid', 'v1', ...flags,
  ];
}
const GOOD_OUT = () => ['-o', join(dir, 'out.txt')];

describe('run() exit codes for bad usage', () => {
  it.each([
    ['an unknown verb', ['frobnicate']],
    ['a misspelt verb', ['stauts']],
    ['no verb at all', []],
    ['vendor without a verb', ['vendor']],
    ['an unknown vendor verb', ['vendor', 'sign']],
    ['an unknown option', ['status', '--colour']],
    ['an extra argument', ['key-id', 'extra']],
    ['install without --file', ['install', '--token', 't']],
    ['request-key without -o', ['request-key', '--token', 't']],
    ['delete without an id', ['delete', '--token', 't']],
    ['vendor keygen without --kid', ['vendor', 'keygen', '--out', 'x']],
    ['vendor keygen without --out', ['vendor', 'keygen', '--kid', 'x']],
    ['vendor issue without --key', ['vendor', 'issue', '--kid', 'v1', '--usb-key-id', 'U', '--base', 'standard', '--expires', '2027-03-31', '-o', 'x.txt']],
    ['vendor issue without --expires', ['vendor', 'issue', '--key', 'k', '--kid', 'v1', '--usb-key-id', 'U', '--base', 'standard', '-o', 'x.txt']],
    ['vendor issue without -o', ['vendor', 'issue', '--key', 'k', '--kid', 'v1', '--usb-key-id', 'U', '--base', 'standard', '--expires', '2027-03-31']],
    ['vendor inspect without a file', ['vendor', 'inspect']],
    ['records with a --limit of 0', ['records', '--token', 't', '--url', 'http://127.0.0.1:1', '--limit', '0']],
    ['records with a --limit over 200', ['records', '--token', 't', '--url', 'http://127.0.0.1:1', '--limit', '201']],
    ['records with a --limit that is not a number', ['records', '--token', 't', '--url', 'http://127.0.0.1:1', '--limit', 'ten']],
    ['records with an unknown --type', ['records', '--token', 't', '--url', 'http://127.0.0.1:1', '--type', 'gold']],
    ['records with an unknown --action', ['records', '--token', 't', '--url', 'http://127.0.0.1:1', '--action', 'burn']],
  ])('returns 2 for %s', async (_what, argv) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err.length).toBeGreaterThan(0);
  });

  it.each([
    ['neither --request-key nor --usb-key-id', ['--base', 'standard', '--expires', '2027-03-31'], /exactly one of --request-key/],
    ['both --request-key and --usb-key-id', ['--request-key', 'rk.txt', '--usb-key-id', 'U', '--base', 'standard', '--expires', '2027-03-31'], /exactly one of --request-key/],
    ['no --base and no --plus', ['--usb-key-id', 'U', '--expires', '2027-03-31'], /at least one --base or --plus/],
    ['a bad --expires date', ['--usb-key-id', 'U', '--base', 'standard', '--expires', '2027-02-30'], /--expires '2027-02-30' is not a date/],
    ['a bad --not-before date', ['--usb-key-id', 'U', '--base', 'standard', '--expires', '2027-03-31', '--not-before', '01/01/2027'], /--not-before/],
    ['--expires in the past', ['--usb-key-id', 'U', '--base', 'standard', '--expires', '2001-01-01'], /in the past/],
    ['--not-before after --expires', ['--usb-key-id', 'U', '--base', 'standard', '--expires', '2027-03-31', '--not-before', '2027-04-01'], /--not-before/],
    ['a bad quota spec on the Base', ['--usb-key-id', 'U', '--base', 'standard:hosts=0', '--expires', '2027-03-31'], /quota 'hosts=0'/],
    ['a bad quota spec on a Plus', ['--usb-key-id', 'U', '--plus', 'vmware:vmware-cpus', '--expires', '2027-03-31'], /quota 'vmware-cpus'/],
    ['an unknown edition', ['--usb-key-id', 'U', '--base', 'gold', '--expires', '2027-03-31'], /gold/],
    ['an invalid --kid', ['--usb-key-id', 'U', '--base', 'standard', '--expires', '2027-03-31', '--kid', 'a/b'], /--kid/],
  ])('returns 2 for vendor issue with %s, before reading any file', async (_what, flags, message) => {
    const r = await cli(...issue(...flags, ...GOOD_OUT()));
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(message);
    expect(r.err[0]).not.toMatch(/absent\.key/);
  });

  it.each(['out.zip', 'out.tar', 'out', 'out.gz', 'out.txt.bak'])(
    'returns 2 for vendor issue with the output %s',
    async name => {
      const r = await cli(...issue('--usb-key-id', 'U', '--base', 'standard', '--expires', '2027-03-31', '-o', join(dir, name)));
      expect(r.code).toBe(2);
      expect(r.err[0]).toMatch(/must end in \.txt, \.lic, \.tar\.gz or \.tgz/);
      expect(existsSync(join(dir, name))).toBe(false);
    },
  );

  it('returns 2 for an admin verb without a token', async () => {
    const r = await cli('status', '--url', 'http://127.0.0.1:1');
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/LICENSE_CTL_TOKEN/);
  });

  it('returns 2 for an admin verb with a --url that is not a URL', async () => {
    const r = await cli('status', '--token', 't', '--url', 'not a url');
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/--url/);
  });
});

describe('run() exit codes for failures', () => {
  it('returns 1 with one line when the file to install cannot be read', async () => {
    const r = await cli('install', '--token', 't', '--url', 'http://127.0.0.1:1', '-f', join(dir, 'missing.tar.gz'));
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^license-ctl: cannot read '.*missing\.tar\.gz': ENOENT$/);
  });

  it.each([
    ['status', ['status']],
    ['status --json', ['status', '--json']],
    ['key-id', ['key-id']],
    ['reload', ['reload']],
    ['records', ['records']],
    ['delete', ['delete', 'lic-1']],
    ['request-key', ['request-key', '-o', 'rk.txt']],
  ])('returns 1 with one line when the backend is unreachable (%s)', async (_what, argv) => {
    const r = await cli(...argv, '--token', 't', '--url', 'http://127.0.0.1:1');
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/cannot reach the backend at http:\/\/127\.0\.0\.1:1/);
    expect(r.out).toBe('');
  });

  it('returns 1 with one line when the signing key cannot be read', async () => {
    const r = await cli(...issue('--usb-key-id', 'U', '--base', 'standard', '--expires', '2027-03-31', ...GOOD_OUT()));
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/cannot read key '.*absent\.key': ENOENT/);
  });

  it('returns 1 with one line when the request key cannot be read', async () => {
    const keys = join(dir, 'keys');
    expect((await cli('vendor', 'keygen', '--kid', 'v1', '--out', keys)).code).toBe(0);
    const r = await cli(
      'vendor', 'issue', '--key', join(keys, 'v1.key'), '--kid', 'v1', '--request-key', join(dir, 'no-request-key.txt'),
      '--base', 'standard', '--expires', '2027-03-31', ...GOOD_OUT(),
    );
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/cannot read request key/);
  });
});

describe('run() exit code for success', () => {
  it('returns 0 for --help and prints the verbs', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const verb of ['install', 'reload', 'status', 'key-id', 'request-key', 'delete', 'records', 'vendor']) {
      expect(r.out).toContain(verb);
    }
  });

  it('returns 0 for vendor issue --help', async () => {
    const r = await cli('vendor', 'issue', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('--usb-key-id');
  });

  it('returns 0 for vendor keygen', async () => {
    const r = await cli('vendor', 'keygen', '--kid', 'ok', '--out', join(dir, 'ok'));
    expect(r.code).toBe(0);
    expect(r.err).toEqual([]);
  });
});
