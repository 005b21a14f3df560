#!/usr/bin/env node
/**
 * `npm run export-dynamic` in plugins/license-management and
 * plugins/license-management-backend: `rhdh-cli plugin export --clean` (the
 * Red Hat Developer Hub dynamic plugin, in the plugin's dist-dynamic/), made
 * to run in this npm-workspaces repository without leaving anything behind in
 * the working tree. See docs/rhdh.md. Arguments are passed on to rhdh-cli.
 *
 * Frontend plugin: rhdh-cli writes its module-federation assets into the
 * plugin's own dist/ (emptying it) before copying them into dist-dynamic/dist;
 * the static build in dist/ is restored afterwards (or the directory removed
 * if there was none), so that builds and packs of the published package are
 * not disturbed.
 *
 * Backend plugin: rhdh-cli is written for Yarn workspaces. This script
 *   1. builds, with `backstage-cli package build`, the plugin and the
 *      workspace packages it depends on (-common, -node: rhdh-cli embeds them
 *      from their dist/), instead of rhdh-cli's `yarn build`;
 *   2. runs `rhdh-cli plugin export --no-build --clean`; rhdh-cli copies a
 *      yarn.lock from the plugin or the root into dist-dynamic/ and runs
 *      `yarn install --production` there (Yarn classic, a root devDependency,
 *      from the npm registry) to fill dist-dynamic/node_modules with the
 *      private dependencies. This repository has no yarn.lock: an empty one
 *      is written in the plugin directory for the duration of the export and
 *      removed afterwards, on failure and on SIGINT/SIGTERM too; yarn then
 *      resolves the dependencies from scratch and writes
 *      dist-dynamic/yarn.lock.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const PLUGIN_DIR = process.cwd();
const TARGET = join(PLUGIN_DIR, 'dist-dynamic');
const pkg = JSON.parse(readFileSync(join(PLUGIN_DIR, 'package.json'), 'utf8'));
const role = pkg.backstage?.role;

const passed = process.argv.slice(2);
const rhdhArgs = ['plugin', 'export', ...(passed.includes('--clean') ? [] : ['--clean']), ...passed];

const env = { ...process.env, PATH: [join(ROOT, 'node_modules/.bin'), process.env.PATH].join(delimiter) };

// Undo steps, run once, last registered first, on success, failure or signal.
const undo = [];
function runUndo() {
  while (undo.length) {
    const step = undo.pop();
    try {
      step();
    } catch (e) {
      console.error(`export-dynamic: clean-up failed: ${e.message}`);
    }
  }
}

// On a signal: stop the running command, wait for it to end (so it writes
// nothing after the clean-up), clean up, exit.
let child;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    const exit = () => {
      runUndo();
      process.exit(128 + { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[signal]);
    };
    if (!child) return exit();
    child.once('exit', exit);
    child.kill(signal);
    setTimeout(() => child?.kill('SIGKILL'), 10_000).unref();
  });
}

function run(cmd, args, cwd) {
  console.log(`export-dynamic: ${relative(ROOT, cwd) || '.'}$ ${cmd} ${args.join(' ')}`);
  return new Promise((done, fail) => {
    child = spawn(cmd, args, { cwd, env, stdio: 'inherit' });
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      child = undefined;
      if (code === 0) done();
      else fail(new Error(`${cmd} ${args.join(' ')} in ${relative(ROOT, cwd) || '.'} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}

/** Workspace packages by name → directory. */
function workspaces() {
  const byName = new Map();
  for (const group of ['packages', 'plugins']) {
    for (const entry of readdirSync(join(ROOT, group))) {
      const file = join(ROOT, group, entry, 'package.json');
      if (existsSync(file)) byName.set(JSON.parse(readFileSync(file, 'utf8')).name, join(ROOT, group, entry));
    }
  }
  return byName;
}

/** The workspace packages `dir` depends on, transitively, dependencies first. */
function workspaceDependencies(dir, byName, seen = new Set()) {
  const order = [];
  const { dependencies = {} } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const name of Object.keys(dependencies)) {
    const depDir = byName.get(name);
    if (!depDir || seen.has(depDir)) continue;
    seen.add(depDir);
    order.push(...workspaceDependencies(depDir, byName, seen), depDir);
  }
  return order;
}

/** The static build in dist/ is kept aside while rhdh-cli reuses the directory. */
function keepStaticDist() {
  const dist = join(PLUGIN_DIR, 'dist');
  let saved;
  if (existsSync(dist)) {
    saved = mkdtempSync(join(tmpdir(), 'export-dynamic-dist-'));
    cpSync(dist, join(saved, 'dist'), { recursive: true });
  }
  undo.push(() => {
    rmSync(dist, { recursive: true, force: true });
    if (saved) {
      cpSync(join(saved, 'dist'), dist, { recursive: true });
      rmSync(saved, { recursive: true, force: true });
    }
  });
}

/** An empty yarn.lock in the plugin directory while rhdh-cli looks for one. */
function provideYarnLock() {
  if ([PLUGIN_DIR, ROOT].some(dir => existsSync(join(dir, 'yarn.lock')))) return;
  const lock = join(PLUGIN_DIR, 'yarn.lock');
  writeFileSync(lock, '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n\n');
  undo.push(() => rmSync(lock, { force: true }));
}

function checkBackend() {
  const plugin = createRequire(join(TARGET, 'package.json'))(TARGET);
  const feature = plugin.default;
  if (feature?.$$type !== '@backstage/BackendFeature') {
    throw new Error(`${relative(ROOT, TARGET)} does not export a BackendFeature as default`);
  }
  console.log(`export-dynamic: ${relative(ROOT, TARGET)} loads; default export: ${feature.$$type}`);
}

function checkFrontend() {
  const manifestFile = join(TARGET, 'dist-scalprum/plugin-manifest.json');
  if (!existsSync(manifestFile)) throw new Error(`${relative(ROOT, manifestFile)} is missing`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const missing = (manifest.loadScripts ?? []).filter(f => !existsSync(join(TARGET, 'dist-scalprum', f)));
  if (missing.length) throw new Error(`${relative(ROOT, manifestFile)} names missing scripts: ${missing.join(', ')}`);
  console.log(`export-dynamic: ${relative(ROOT, TARGET)}: Scalprum plugin ${manifest.name} ${manifest.version}`);
}

async function main() {
  const started = Date.now();
  if (role === 'backend-plugin' || role === 'backend-plugin-module') {
    if (!passed.includes('--no-build')) {
      for (const dir of [...workspaceDependencies(PLUGIN_DIR, workspaces()), PLUGIN_DIR]) {
        const t = Date.now();
        await run('backstage-cli', ['package', 'build'], dir);
        console.log(`export-dynamic: built ${relative(ROOT, dir)} in ${seconds(t)}`);
      }
      rhdhArgs.push('--no-build');
    }
    provideYarnLock();
    const t = Date.now();
    await run('rhdh-cli', rhdhArgs, PLUGIN_DIR);
    console.log(`export-dynamic: rhdh-cli plugin export took ${seconds(t)}`);
    checkBackend();
  } else if (role === 'frontend-plugin' || role === 'frontend-plugin-module') {
    keepStaticDist();
    await run('rhdh-cli', rhdhArgs, PLUGIN_DIR);
    checkFrontend();
  } else {
    throw new Error(`${pkg.name}: role ${role} is not a plugin role rhdh-cli exports`);
  }
  console.log(`export-dynamic: ${pkg.name} → ${relative(ROOT, TARGET)} in ${seconds(started)}`);
}

main()
  .catch(e => {
    console.error(`export-dynamic: ${e.message}`);
    const log = join(TARGET, 'yarn-install.log');
    if (existsSync(log)) console.error(`export-dynamic: see ${relative(ROOT, log)}`);
    process.exitCode = 1;
  })
  .finally(runUndo);
