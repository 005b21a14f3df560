#!/usr/bin/env node
/**
 * Builds every published package (`backstage-cli package build` in each):
 * dist/ with the JavaScript and, but for license-ctl, the bundled .d.ts.
 * The type declarations come from dist-types/, so run `npm run tsc` first.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PUBLISHED } from './packages.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

const started = Date.now();
for (const dir of PUBLISHED) {
  const t = Date.now();
  const r = spawnSync('npx', ['backstage-cli', 'package', 'build'], { cwd: resolve(ROOT, dir), stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build:published: ${dir} failed to build (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  console.log(`built ${dir} in ${((Date.now() - t) / 1000).toFixed(1)}s`);
}
console.log(`build:published: ${PUBLISHED.length} packages built in ${((Date.now() - started) / 1000).toFixed(1)}s`);
