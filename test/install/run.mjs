#!/usr/bin/env node
/**
 * The install test (PRODUCT.md §2.8): the published packages, packed with
 * `npm pack`, install into a Backstage app that is not this repository and
 * work there.
 *
 *   1. builds (`npm run tsc`, `npm run build:published`; skip with --no-build)
 *      and packs every published package (`npm pack`, with its prepack and
 *      postpack scripts) from a copy, into a temporary directory; checks
 *      each tarball, and that the runtime packages (-common, -node, -backend)
 *      hold no signing code: license-ctl signs with license-vendor;
 *   2. creates a throwaway Backstage app under /tmp, outside the workspace: a
 *      root with the packed license-ctl, packages/backend (createBackend with
 *      the License Management backend, the permission backend and the policy
 *      module) and packages/app (the frontend plugin), all from the tarballs;
 *      `npm install` there;
 *   3. runs the installed license-ctl (`--help`, `vendor keygen`), starts the
 *      backend on a free port with the local PostgreSQL (127.0.0.1:5432, user
 *      postgres, trust auth; started like .ci/run does when `pg_isready`
 *      fails) under a database prefix of its own (`lm_install_<random>_`), a
 *      static external-access token and the fresh vendor key, waits for
 *      /health, reads /status, then `request-key`, `vendor issue` (a Base),
 *      `install -f`, and checks that /status shows the edition in force;
 *   4. checks that the frontend plugin's entry points (`.`, `./alpha`), the
 *      -react library and -common's node-only entry point (`./node`, from the
 *      backend) resolve through their package exports;
 *   5. stops the backend, drops the run's databases and removes the directory,
 *      on failure and on SIGINT/SIGTERM too (--keep keeps both).
 *
 * Exits non-zero on the first failure; every wait is bounded.
 *
 * Timings (`npm run test:install -- --no-build`, 2 cores shared with other
 * work, so the load average is given; CPU = user + sys of the whole run):
 *   SQLite (better-sqlite3 compiled from source during `npm install`, its
 *   prebuilt binary out of reach): 707 s wall, 279 CPU-s, load ~9.5 —
 *   pack 213 s, npm install 388 s.
 *   PostgreSQL (no native module left to build): 136 s wall, 156 CPU-s,
 *   load ~3.1 — pack 50 s, npm install 65 s, clean up 14 s; other runs at
 *   load ~4: 157–215 s, npm install 52–90 s.
 * `npm install` already ran with --prefer-offline --no-audit --no-fund.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PUBLISHED, RUNTIME, SIGNING_WORDS } from './packages.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const args = new Set(process.argv.slice(2));
const BUILD = !args.has('--no-build');
const KEEP = args.has('--keep');

const INSTALL_TIMEOUT_MS = 15 * 60_000;
const BOOT_TIMEOUT_MS = 120_000;
const COMMAND_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

// The backend's databases: pg is pure JavaScript (better-sqlite3 compiles
// from source here, its prebuilt binaries being out of reach). Each run has
// its own prefix, so that runs side by side never share a database.
const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const DB_PREFIX = `lm_install_${randomBytes(4).toString('hex')}_`;
const PG_START_TIMEOUT_MS = 30_000;

const TOKEN = 'install-test-token-0123456789abcdef';
const KID = 'install-test-vendor';
const EDITION = 'standard';

const FRONTEND = '@backstage-licensing/plugin-license-management';
const REACT = '@backstage-licensing/plugin-license-management-react';
const BACKEND = '@backstage-licensing/plugin-license-management-backend';
const POLICY_MODULE = '@backstage-licensing/plugin-permission-backend-module-license-management';
const CTL = '@backstage-licensing/license-ctl';
const VENDOR = '@backstage-licensing/license-vendor';
const COMMON = '@backstage-licensing/plugin-license-management-common';

// ---------------------------------------------------------------- helpers

const started = Date.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)}s`;
const timings = [];
let work;
let backend;
let databasesUsed = false;
let interrupted = null;

class Failure extends Error {}
function fail(message) {
  throw new Failure(message);
}
function check(condition, message) {
  if (!condition) fail(message);
}

async function step(name, fn) {
  if (interrupted) fail(`interrupted (${interrupted})`);
  const t = Date.now();
  console.log(`\n▶ ${name}`);
  const result = await fn();
  const took = Date.now() - t;
  timings.push([name, took]);
  console.log(`✔ ${name} (${secs(took)})`);
  return result;
}

/** Runs a command to completion; fails with its output unless it exits 0 (or `expect`). */
function run(command, argv, { cwd = ROOT, env, timeout = COMMAND_TIMEOUT_MS, expect = 0, quiet = false } = {}) {
  const r = spawnSync(command, argv, {
    cwd,
    env: env ?? process.env,
    encoding: 'utf8',
    timeout,
    maxBuffer: 64 * 1024 * 1024,
    stdio: quiet ? 'pipe' : ['ignore', 'inherit', 'inherit'],
  });
  const what = `${command} ${argv.join(' ')}`;
  if (r.error?.code === 'ETIMEDOUT') fail(`${what}: no result after ${secs(timeout)}`);
  if (r.error) fail(`${what}: ${r.error.message}`);
  if (r.status !== expect) {
    const output = quiet ? `\n${r.stdout}${r.stderr}`.trimEnd() : '';
    fail(`${what}: exit ${r.status ?? r.signal}, expected ${expect}${output}`);
  }
  return r;
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function listTarball(tgz) {
  return run('tar', ['-tzf', tgz], { quiet: true }).stdout.split('\n').filter(Boolean);
}

function packedPackageJson(tgz) {
  return JSON.parse(run('tar', ['-xzOf', tgz, 'package/package.json'], { quiet: true }).stdout);
}

// ---------------------------------------------------------------- 1. build and pack

/**
 * A copy of the repository's shape to pack in: the root package.json (its
 * workspaces mark the root for backstage-cli), tsconfig.json and a link to
 * node_modules. `npm pack` runs `backstage-cli package prepack`, which
 * rewrites package.json (entry points into dist/) until `postpack` puts it
 * back; in the copy, the shared working tree is never touched.
 */
function stageRepo(stage) {
  mkdirSync(stage, { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(stage, 'package.json'));
  copyFileSync(join(ROOT, 'tsconfig.json'), join(stage, 'tsconfig.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(stage, 'node_modules'));
}

/** Copies what npm would pack from the package (its `files`), then packs the copy. */
function packOne(dir, stage, dest) {
  const from = resolve(ROOT, dir);
  const to = join(stage, dir);
  const listing = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: from, quiet: true });
  for (const { path } of JSON.parse(listing.stdout)[0].files) {
    mkdirSync(dirname(join(to, path)), { recursive: true });
    copyFileSync(join(from, path), join(to, path)); // keeps the mode: bin stays executable
  }
  const r = run('npm', ['pack', '--json', '--pack-destination', dest], { cwd: to, quiet: true, timeout: COMMAND_TIMEOUT_MS * 2 });
  const [info] = JSON.parse(r.stdout);
  return { dir, name: info.name, file: join(dest, info.filename), size: info.size, unpacked: info.unpackedSize, entries: info.entryCount };
}

/** What every tarball must (not) hold: built entry points, no sources. */
function checkTarball(p) {
  const files = new Set(listTarball(p.file).map((f) => f.replace(/^package\//, '')));
  const pkg = packedPackageJson(p.file);
  const has = (f) => files.has(f.replace(/^\.\//, ''));
  check(![...files].some((f) => f.startsWith('src/')), `${p.name}: the tarball holds src/`);
  check(!files.has('package.json-prepack'), `${p.name}: the tarball holds package.json-prepack`);
  check(pkg.main?.startsWith('dist/') && has(pkg.main), `${p.name}: main '${pkg.main}' is not a file in dist/`);
  if (p.name !== CTL) check(pkg.types, `${p.name}: no types`);
  if (pkg.types) check(has(pkg.types), `${p.name}: types '${pkg.types}' is not in the tarball`);
  check(pkg.publishConfig?.access === 'public', `${p.name}: publishConfig.access is not public`);
  check(pkg.repository?.directory === p.dir, `${p.name}: repository.directory is not ${p.dir}`);
  for (const [mount, target] of Object.entries(pkg.exports ?? {})) {
    // Conditions map to files; `backstage` names the feature type the entry exports.
    const targets = typeof target === 'string' ? [target] : Object.entries(target).filter(([c]) => c !== 'backstage').map(([, t]) => t);
    for (const t of targets) check(has(t), `${p.name}: exports['${mount}'] points at ${t}, not in the tarball`);
  }
  check(pkg.license === 'Apache-2.0', `${p.name}: license '${pkg.license}', expected Apache-2.0`);
  check(files.has('README.md'), `${p.name}: the tarball has no README.md`);
  check(files.has('LICENSE'), `${p.name}: the tarball has no LICENSE`);
  const license = run('tar', ['-xzOf', p.file, 'package/LICENSE'], { quiet: true }).stdout;
  check(license === readFileSync(join(ROOT, 'LICENSE'), 'utf8'), `${p.name}: its LICENSE is not the repository's LICENSE`);
  for (const dep of Object.values(pkg.dependencies ?? {})) {
    check(!/^(workspace|file|link):/.test(dep), `${p.name}: dependency spec '${dep}' only works in the repo`);
  }
  if (p.name === BACKEND) {
    check([...files].some((f) => f.startsWith('migrations/')), `${p.name}: no migrations/ in the tarball`);
    check(files.has('config.schema.json') && pkg.configSchema === 'config.schema.json', `${p.name}: no config schema`);
  }
  if (p.name === FRONTEND) {
    check(pkg.exports?.['./alpha'], `${p.name}: no './alpha' export (new frontend system)`);
  }
  if (p.name === CTL) {
    check(has(pkg.bin?.['license-ctl'] ?? 'missing'), `${p.name}: bin license-ctl is not in the tarball`);
    check(pkg.dependencies?.[VENDOR], `${p.name}: does not depend on ${VENDOR}`);
    check(!Object.keys(pkg.dependencies ?? {}).some((d) => d.endsWith('-node')), `${p.name}: depends on a -node package`);
  }
  if (RUNTIME.includes(p.dir)) {
    // A portal verifies licenses; it never signs them.
    check(!pkg.dependencies?.[VENDOR], `${p.name}: a runtime package depends on ${VENDOR}`);
    const dist = [...files].filter((f) => f.startsWith('dist/') && /\.(js|mjs|cjs|d\.ts)$/.test(f));
    check(dist.length > 0, `${p.name}: no JavaScript in dist/`);
    for (const f of dist) {
      const text = run('tar', ['-xzOf', p.file, `package/${f}`], { quiet: true }).stdout;
      const word = SIGNING_WORDS.find((w) => text.includes(w));
      check(!word, `${p.name}: ${f} holds '${word}': signing belongs to ${VENDOR}, not to a runtime package`);
    }
  }
}

// ---------------------------------------------------------------- 2. the throwaway app

function writeJson(file, value) {
  mkdirSync(resolve(file, '..'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function writeApp(app, packs) {
  const tgz = (name) => `file:${packs.find((p) => p.name === name).file}`;
  const backendDefaults = JSON.parse(readFileSync(join(ROOT, 'packages/backend/package.json'), 'utf8')).dependencies;
  // Our packages depend on each other by exact version; before they are on a
  // registry, every one comes from its tarball.
  const overrides = Object.fromEntries(packs.map((p) => [p.name, tgz(p.name)]));
  writeJson(join(app, 'package.json'), {
    name: 'install-test-app',
    version: '0.0.0',
    private: true,
    workspaces: ['packages/*'],
    devDependencies: { [CTL]: tgz(CTL) },
    overrides,
  });
  writeJson(join(app, 'packages/backend/package.json'), {
    name: 'backend',
    version: '0.0.0',
    private: true,
    main: 'index.js',
    dependencies: {
      '@backstage/backend-defaults': backendDefaults['@backstage/backend-defaults'],
      '@backstage/plugin-permission-backend': backendDefaults['@backstage/plugin-permission-backend'],
      [BACKEND]: tgz(BACKEND),
      [POLICY_MODULE]: tgz(POLICY_MODULE),
    },
  });
  writeFileSync(
    join(app, 'packages/backend/index.js'),
    [
      "const { createBackend } = require('@backstage/backend-defaults');",
      '',
      'const backend = createBackend();',
      "backend.add(import('@backstage/plugin-permission-backend'));",
      `backend.add(import('${POLICY_MODULE}'));`,
      `backend.add(import('${BACKEND}'));`,
      'backend.start();',
      '',
    ].join('\n'),
  );
  const appPkg = JSON.parse(readFileSync(join(ROOT, 'packages/app/package.json'), 'utf8'));
  const appDep = (n) => appPkg.dependencies?.[n] ?? appPkg.devDependencies?.[n];
  writeJson(join(app, 'packages/app/package.json'), {
    name: 'app',
    version: '0.0.0',
    private: true,
    dependencies: {
      [FRONTEND]: tgz(FRONTEND),
      [REACT]: tgz(REACT),
      react: appDep('react') ?? '^18.3.1',
      'react-dom': appDep('react-dom') ?? '^18.3.1',
      'react-router-dom': appDep('react-router-dom') ?? '^6.30.2',
    },
  });
}

function writeConfig(app, port, keyDir) {
  writeFileSync(
    join(app, 'app-config.yaml'),
    [
      'backend:',
      `  baseUrl: http://127.0.0.1:${port}`,
      '  listen:',
      `    port: ${port}`,
      '    host: 127.0.0.1',
      '  database:',
      '    client: pg',
      '    connection:',
      `      host: ${PG.host}`,
      `      port: ${PG.port}`,
      `      user: ${PG.user}`,
      `    prefix: ${DB_PREFIX}`,
      '  auth:',
      '    externalAccess:',
      '      - type: static',
      '        options:',
      `          token: ${TOKEN}`,
      '          subject: license-ctl',
      'permission:',
      '  enabled: true',
      'licenseManagement:',
      '  adminGroups: [group:default/license-admins]',
      '  vendorKeys:',
      `    - kid: ${KID}`,
      '      publicKey:',
      `        $file: ${JSON.stringify(join(keyDir, `${KID}.pub`))}`,
      '',
    ].join('\n'),
  );
}

// ---------------------------------------------------------------- PostgreSQL

const pgReady = () => spawnSync('pg_isready', ['-h', PG.host, '-p', String(PG.port), '-q']).status === 0;

/** Starts the local cluster when `pg_isready` fails, as .ci/run does. */
async function ensurePostgres() {
  if (pgReady()) return;
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  check(versions.length > 0, `PostgreSQL does not answer at ${PG.host}:${PG.port} and no cluster is in /etc/postgresql`);
  console.log(`  PostgreSQL does not answer; starting cluster ${versions[0]}/main`);
  spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0], 'main', 'start'], { stdio: 'inherit' });
  const deadline = Date.now() + PG_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (pgReady()) return;
    await sleep(1000);
  }
  fail(`PostgreSQL does not answer at ${PG.host}:${PG.port} after ${secs(PG_START_TIMEOUT_MS)}`);
}

/** Runs fn with a client on the maintenance database (pg from the repository's node_modules). */
async function withPostgres(fn) {
  const { Client } = createRequire(join(ROOT, 'package.json'))('pg');
  const client = new Client({ ...PG, database: 'postgres', connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function runDatabases(client) {
  const { rows } = await client.query('SELECT datname FROM pg_database');
  return rows.map((r) => r.datname).filter((n) => n.startsWith(DB_PREFIX)).sort();
}

/** Drops every database of this run; answers the names dropped. */
function dropRunDatabases() {
  return withPostgres(async (client) => {
    const names = await runDatabases(client);
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
    const left = await runDatabases(client);
    if (left.length) throw new Error(`still there after DROP DATABASE: ${left.join(', ')}`);
    return names;
  });
}

// ---------------------------------------------------------------- 3. the backend

function startBackend(app, logFile) {
  const out = openLog(logFile);
  const child = spawn('node', ['index.js', '--config', '../../app-config.yaml'], {
    cwd: join(app, 'packages/backend'),
    env: { ...process.env, NODE_ENV: 'production', LICENSE_CTL_TOKEN: '' },
    stdio: ['ignore', out, out],
    detached: true,
  });
  const state = { child, exited: null };
  child.on('exit', (code, signal) => (state.exited = code ?? signal));
  return state;
}

function openLog(file) {
  writeFileSync(file, '');
  return openSync(file, 'a');
}

async function stopBackend() {
  if (!backend || backend.exited !== null) return;
  const { child } = backend;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {}
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (backend.exited === null && Date.now() < deadline) await sleep(100);
  if (backend.exited === null) {
    console.error('  the backend did not stop on SIGTERM; killing it');
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
    await sleep(200);
  }
}

async function waitForHealth(url, logFile) {
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    if (backend.exited !== null) fail(`the backend exited (${backend.exited}) before answering:\n${tail(logFile)}`);
    try {
      const r = await fetch(`${url}/api/license-management/health`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e.cause?.code ?? e.message;
    }
    await sleep(500);
  }
  fail(`/health did not answer within ${secs(BOOT_TIMEOUT_MS)} (last: ${last}):\n${tail(logFile)}`);
}

async function getStatus(url, token) {
  const r = await fetch(`${url}/api/license-management/status`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(10_000),
  });
  return { code: r.status, body: r.headers.get('content-type')?.includes('json') ? await r.json() : await r.text() };
}

// ---------------------------------------------------------------- main

async function main() {
  work = mkdtempSync('/tmp/license-install-');
  const packDir = join(work, 'tarballs');
  const app = join(work, 'app');
  const keyDir = join(work, 'vendor-keys');
  const logFile = join(work, 'backend.log');
  mkdirSync(packDir);
  console.log(`install test in ${work}`);

  if (BUILD) {
    // The builds bundle the declarations tsc writes to dist-types/. tsc writes
    // them despite type errors; those fail `npm run tsc` (a CI step of its
    // own), not this test.
    await step('type declarations (npm run tsc)', () => {
      const r = spawnSync('npm', ['run', '-s', 'tsc'], { cwd: ROOT, stdio: 'inherit', timeout: 10 * 60_000 });
      if (r.status !== 0) console.warn('  tsc reported errors (above); going on with the declarations it wrote');
    });
    await step('build the published packages', () => run('node', [join(ROOT, 'test/install/build.mjs')], { timeout: 10 * 60_000 }));
  }

  const packs = await step('pack the published packages', () => {
    stageRepo(join(work, 'stage'));
    return PUBLISHED.map((dir) => {
      check(existsSync(resolve(ROOT, dir, 'dist')), `${dir} has no dist/: run npm run build:published (or drop --no-build)`);
      const t = Date.now();
      const p = packOne(dir, join(work, 'stage'), packDir);
      checkTarball(p);
      console.log(`  ${p.name}: ${(p.size / 1024).toFixed(1)} kB packed, ${(p.unpacked / 1024).toFixed(1)} kB unpacked, ${p.entries} files (${secs(Date.now() - t)})`);
      return p;
    });
  });

  await step('npm install into a throwaway Backstage app', () => {
    writeApp(app, packs);
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: app,
      timeout: INSTALL_TIMEOUT_MS,
      quiet: true,
    });
    // Nothing needs it with PostgreSQL; were it pulled in again, it would compile from source.
    if (existsSync(join(app, 'node_modules/better-sqlite3'))) {
      console.warn('  note: better-sqlite3 was installed (a dependency pulled it in); it compiles from source here');
    }
  });

  const ctlBin = join(app, 'node_modules/.bin/license-ctl');
  const ctl = (argv, opts = {}) =>
    run(ctlBin, argv, { cwd: work, quiet: true, env: { ...process.env, LICENSE_CTL_TOKEN: TOKEN }, ...opts });

  await step('license-ctl --help (installed from its tarball)', () => {
    const r = ctl(['--help']);
    check(/Usage: license-ctl/.test(r.stdout), `unexpected --help output:\n${r.stdout}`);
    check(/vendor/.test(r.stdout) && /install/.test(r.stdout), `--help does not list the commands:\n${r.stdout}`);
    const bad = ctl(['no-such-command'], { expect: 2 });
    check(/unknown command/.test(bad.stderr), `bad usage: ${bad.stderr}`);
  });

  await step('license-ctl vendor keygen', () => {
    ctl(['vendor', 'keygen', '--kid', KID, '--out', keyDir]);
    check(readFileSync(join(keyDir, `${KID}.key`), 'utf8').includes('BEGIN PRIVATE KEY'), 'no private key written');
    check(readFileSync(join(keyDir, `${KID}.pub`), 'utf8').includes('BEGIN PUBLIC KEY'), 'no public key written');
  });

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await step(`start the backend on port ${port} (PostgreSQL, prefix ${DB_PREFIX}) and wait for /health`, async () => {
    await ensurePostgres();
    writeConfig(app, port, keyDir);
    databasesUsed = true;
    backend = startBackend(app, logFile);
    await waitForHealth(url, logFile);
    const names = await withPostgres(runDatabases);
    check(names.includes(`${DB_PREFIX}license-management`), `no database ${DB_PREFIX}license-management (the run's: ${names.join(', ') || 'none'})`);
    console.log(`  databases: ${names.join(', ')}`);
  });

  await step('/status answers with the token, and only with it', async () => {
    const anon = await getStatus(url);
    check(anon.code === 401, `/status without a token: HTTP ${anon.code}, expected 401`);
    const s = await getStatus(url, TOKEN);
    check(s.code === 200, `/status: HTTP ${s.code} ${JSON.stringify(s.body)}`);
    check(s.body.edition === 'community', `a fresh installation is in edition '${s.body.edition}', expected community`);
  });

  await step(`request-key, vendor issue (Base ${EDITION}), install -f`, async () => {
    ctl(['request-key', '--url', url, '-o', 'request-key.txt']);
    const expires = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    const issued = ctl([
      'vendor', 'issue',
      '--key', join(keyDir, `${KID}.key`), '--kid', KID,
      '--request-key', 'request-key.txt',
      '--base', EDITION,
      '--expires', expires,
      '--customer', 'Install Test',
      '-o', 'license.txt',
    ]);
    check(/issued 1 license/.test(issued.stdout), `vendor issue: ${issued.stdout}`);
    const installed = ctl(['install', '--url', url, '-f', 'license.txt']);
    check(new RegExp(`installed base ${EDITION} \\S+ \\(valid`).test(installed.stdout), `install: ${installed.stdout}${installed.stderr}`);
  });

  await step(`/status shows edition ${EDITION} in force`, async () => {
    const s = await getStatus(url, TOKEN);
    check(s.code === 200, `/status: HTTP ${s.code}`);
    check(s.body.edition === EDITION, `edition is '${s.body.edition}', expected ${EDITION}`);
    check(s.body.state === 'valid', `state is '${s.body.state}', expected valid`);
    const text = ctl(['status', '--url', url]).stdout;
    check(text.includes(EDITION), `license-ctl status does not show ${EDITION}:\n${text}`);
  });

  await step('stop the backend', async () => {
    await stopBackend();
    check(backend.exited !== null, 'the backend is still running');
  });

  await step('entry points resolve through package exports (frontend, -react, -common/node)', () => {
    const script = [
      `const names = ${JSON.stringify([FRONTEND, `${FRONTEND}/alpha`, REACT, `${FRONTEND}/package.json`])};`,
      "const fs = require('node:fs');",
      'for (const n of names) {',
      '  const cjs = require.resolve(n);',
      '  if (!fs.existsSync(cjs)) throw new Error(n + ": " + cjs + " does not exist");',
      "  console.log('  ' + n + ' -> ' + cjs.slice(cjs.indexOf('node_modules/')));",
      '}',
    ].join('\n');
    const r = run('node', ['-e', script], { cwd: join(app, 'packages/app'), quiet: true });
    process.stdout.write(r.stdout);
    const esm = [
      `for (const n of ${JSON.stringify([FRONTEND, `${FRONTEND}/alpha`, REACT])}) {`,
      "  const u = import.meta.resolve(n); if (!u.includes('/dist/')) throw new Error(n + ' -> ' + u);",
      '}',
    ].join('\n');
    run('node', ['--input-type=module', '-e', esm], { cwd: join(app, 'packages/app'), quiet: true });
    // The backend side: -common's node-only entry point, as -node requires it.
    const node = [
      `const m = require(${JSON.stringify(`${COMMON}/node`)});`,
      "if (typeof m.keyIdOf !== 'function' || typeof m.readLicenseFile !== 'function') throw new Error('./node: ' + Object.keys(m));",
      `console.log('  ${COMMON}/node -> ' + require.resolve(${JSON.stringify(`${COMMON}/node`)}).split('node_modules/').pop());`,
    ].join('\n');
    process.stdout.write(run('node', ['-e', node], { cwd: join(app, 'packages/backend'), quiet: true }).stdout);
  });

  return packs;
}

/**
 * Stops the backend, drops the run's databases, removes the directory (once,
 * whether the run ends, fails or is interrupted); answers false if a drop failed.
 */
let cleaning;
const cleanUp = () => (cleaning ??= cleanUpOnce());
async function cleanUpOnce() {
  const t = Date.now();
  await stopBackend().catch(() => {});
  if (KEEP) {
    if (work) console.log(`kept ${work}`);
    if (databasesUsed) console.log(`kept the databases ${DB_PREFIX}* (drop each with: DROP DATABASE "<name>" WITH (FORCE))`);
    return true;
  }
  let dropped = true;
  if (databasesUsed) {
    try {
      const names = await dropRunDatabases();
      console.log(`dropped the databases ${names.join(', ') || '(none)'}`);
    } catch (e) {
      dropped = false;
      console.error(`✘ could not drop the databases ${DB_PREFIX}*: ${e.message}`);
    }
  }
  if (work) rmSync(work, { recursive: true, force: true });
  timings.push(['clean up (databases, directory)', Date.now() - t]);
  return dropped;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    interrupted = signal;
    console.error(`\n✘ install test interrupted (${signal}); cleaning up`);
    await cleanUp();
    process.exit(1);
  });
}

let status = 0;
let packs = [];
try {
  packs = await main();
} catch (e) {
  status = 1;
  console.error(`\n✘ install test failed: ${e instanceof Failure ? e.message : e.stack}`);
} finally {
  if (!(await cleanUp())) status = 1;
}

if (packs.length) {
  console.log('\ntarballs:');
  for (const p of packs) console.log(`  ${(p.size / 1024).toFixed(1).padStart(7)} kB  ${p.name}`);
}
console.log('\ntimings:');
for (const [name, ms] of timings) console.log(`  ${secs(ms).padStart(7)}  ${name}`);
console.log(`install test: ${status === 0 ? 'passed' : 'FAILED'} in ${secs(Date.now() - started)}`);
process.exit(status);
