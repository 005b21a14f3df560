/**
 * license-ctl: administer a License Management backend, and for vendors,
 * create signing keys and issue licenses offline.
 *
 * @packageDocumentation
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  LICENSE_METHODS,
  LICENSE_STATES,
  LICENSE_TYPES,
  RECORD_ACTIONS,
} from '@backstage-licensing/plugin-license-management-common';
import * as admin from './admin';
import { DowngradeRefusedError, UsageError } from './errors';
import { stdout, type Output } from './output';
import * as server from './server';
import * as sharing from './sharing';
import * as vendor from './vendor';

export { parseDay, parseItemSpec } from './vendor';

type Conn = { url: string; token?: string };

/** `--limit`: an integer 1-200, as the backend takes it; anything else is bad usage. */
function parseLimit(value: string): string {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 200) {
    throw new InvalidArgumentError('use an integer from 1 to 200.');
  }
  return String(Number(value));
}

function buildProgram(out: Output, errors: { write(s: string): void }) {
  const program = new Command('license-ctl')
    .description('Administer License Management for Backstage, and issue licenses as a vendor.')
    .exitOverride()
    .configureOutput({
      writeOut: s => out.line(s.replace(/\n$/, '')),
      writeErr: s => errors.write(s),
    })
    .showHelpAfterError(false);

  const conn = (cmd: Command) =>
    cmd
      .addOption(new Option('--url <url>', 'backend base URL').default('http://localhost:7007'))
      .addOption(new Option('--token <token>', 'external-access token (or LICENSE_CTL_TOKEN)'));

  conn(program.command('install').description('upload a license file (.txt, .lic, .tar.gz)'))
    .requiredOption('-f, --file <file>', 'license file')
    .option('--acknowledge', 'install even if it downgrades the licenses in force (fewer features, a quota below use)')
    .action((o: Conn & { file: string; acknowledge?: boolean }) => admin.install(o, o.file, out, o.acknowledge));
  conn(
    program
      .command('reinstate')
      .description('bring a superseded license back into force (it becomes the newest upload of its slot)')
      .argument('<id>', 'license id'),
  )
    .option('--acknowledge', 'reinstate even if it downgrades the licenses in force')
    .action((id: string, o: Conn & { acknowledge?: boolean }) => admin.reinstate(o, id, out, o.acknowledge));
  conn(program.command('reload').description('re-read licenses and recompute status')).action((o: Conn) =>
    admin.reload(o, out),
  );
  conn(
    program
      .command('clock')
      .description('the clock high-water mark')
      .command('acknowledge')
      .description('confirm a clock fault (the clock was wrong and is right now): reset the high-water mark to now'),
  ).action((o: Conn) => admin.clockAcknowledge(o, out));
  conn(program.command('status').description('show edition, state, licenses, quotas and exceptions'))
    .option('--json', 'print the raw JSON')
    .action((o: Conn & { json?: boolean }) => admin.status(o, !!o.json, out));
  conn(program.command('key-id').description("print this installation's Key ID")).action((o: Conn) =>
    admin.keyId(o, out),
  );
  conn(program.command('request-key').description('download the request key'))
    .requiredOption('-o, --output <file>', 'where to write it')
    .action((o: Conn & { output: string }) => admin.requestKey(o, o.output, out));
  conn(program.command('delete').description('delete a Plus license').argument('<id>', 'license id')).action(
    (id: string, o: Conn) => admin.deleteLicense(o, id, out),
  );
  conn(program.command('records').description('list licensing records, newest first'))
    .option('--json', 'print the raw JSON')
    .option('--limit <n>', 'records per page (1-200)', parseLimit)
    .option('--cursor <cursor>', 'next page, from a previous listing')
    .addOption(new Option('--type <type>', 'license type').choices(LICENSE_TYPES))
    .option('--item <item>', 'edition or module id')
    .addOption(new Option('--method <method>', 'licensing method').choices(LICENSE_METHODS))
    .addOption(new Option('--state <state>', 'license state').choices(LICENSE_STATES))
    .addOption(new Option('--action <action>', 'what happened').choices(RECORD_ACTIONS))
    .action((o: Conn & admin.RecordOptions) => admin.records(o, o, out));

  const srv = program.command('server').description('this portal as a client site of a license server');
  conn(
    srv
      .command('connect')
      .description('lease licensing from a license server (stored; wins over config)')
      .requiredOption('--server-url <url>', "the license server portal's backend base URL")
      .option('--credential <credential>', 'the client site credential (or LICENSE_CTL_SITE_CREDENTIAL)')
      .option('--module <module>', 'a Plus module to lease (repeatable)', (m: string, all: string[]) => [...all, m], [])
      .option('--quota <spec>', 'quota to lease: METRIC=N[,METRIC=N]...'),
  ).action((o: Conn & server.ConnectOptions) => server.connect(o, o, out));
  conn(srv.command('disconnect').description('back to local licensing; the lease is given back')).action((o: Conn) =>
    server.disconnect(o, out),
  );

  const share = program.command('sharing').description('on a license server: client sites and their leases');
  conn(share.command('add-site').description('register a client site; prints its credential, once').argument('<name>', 'site name'))
    .action((name: string, o: Conn) => sharing.addSite(o, name, out));
  conn(share.command('sites').description('list the client sites, their leases and last contact'))
    .option('--json', 'print the raw JSON')
    .action((o: Conn & { json?: boolean }) => sharing.sites(o, !!o.json, out));
  conn(share.command('revoke').description('revoke a client site: its lease ends at once').argument('<id>', 'site id'))
    .action((id: string, o: Conn) => sharing.revoke(o, id, out));

  const v = program.command('vendor').description('offline: keys and license issuing');
  v.command('keygen')
    .description('create an Ed25519 signing key pair: KID.key (PKCS#8) and KID.pub (SPKI)')
    .requiredOption('--kid <kid>', 'key id, named in every token header')
    .requiredOption('--out <dir>', 'directory to write to (created if needed)')
    .action((o: { kid: string; out: string }) => vendor.keygen(o.kid, o.out, out));
  v.command('issue')
    .description('issue licenses bound to a request key or a USB key')
    .requiredOption('--key <file>', 'vendor private key (PKCS#8 PEM)')
    .requiredOption('--kid <kid>', 'vendor key id')
    .option('--request-key <file>', 'request key file from the portal')
    .option('--usb-key-id <id>', 'USB key serial (Key ID)')
    .option('--base <spec>', 'EDITION[:METRIC=N[,METRIC=N]...]')
    .option('--plus <spec>', 'MODULE[:METRIC=N[,...]] (repeatable)', (s: string, all: string[]) => [...all, s], [])
    .requiredOption('--expires <date>', 'last valid day, YYYY-MM-DD (UTC)')
    .option('--not-before <date>', 'first valid day, YYYY-MM-DD (UTC)')
    .option('--customer <name>', 'customer name')
    .option('--issuer <name>', "the 'iss' claim (default: the kid)")
    .option('--catalog <file>', 'catalog JSON, when the product defines its own')
    .requiredOption('-o, --output <file>', 'output: .txt, .lic, .tar.gz or .tgz')
    .action((o: Omit<vendor.IssueOptions, 'output'> & { output: string }) => vendor.issue(o, out));
  v.command('inspect')
    .description('show the tokens of a license file (or a request key), verifying signatures')
    .argument('<file>', 'license file or request key')
    .option('--public-key <file>', 'vendor public key to verify signatures with')
    .action((file: string, o: { publicKey?: string }) => vendor.inspect(file, o.publicKey, out));
  return program;
}

/**
 * Runs license-ctl with arguments; returns the exit code: 0 success, 1
 * failure (one line on stderr), 2 bad usage.
 */
export async function run(
  argv: string[],
  io: { out?: Output; err?: { write(s: string): void } } = {},
): Promise<number> {
  const out = io.out ?? stdout;
  const err = io.err ?? { write: (s: string) => process.stderr.write(s) };
  const program = buildProgram(out, err);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // `--help` exits 0; help shown for a missing command (`license-ctl`,
      // `license-ctl vendor`) and every parse error are bad usage.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UsageError) {
      err.write(`license-ctl: ${oneLine(e.message)}\n`);
      return 2;
    }
    if (e instanceof DowngradeRefusedError) {
      // The error line, then each consequence and what to re-run.
      err.write(`license-ctl: ${oneLine(e.message)}\n${e.details.map(d => `${d}\n`).join('')}`);
      return 1;
    }
    err.write(`license-ctl: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
    return 1;
  }
}

/** Failures are reported in one line, whatever the message (e.g. a server's) holds. */
function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim() || 'failed';
}
