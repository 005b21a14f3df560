import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { freePort } from './backend';

const ROOT = resolve(__dirname, '../../..');
const BACKEND_DIR = join(ROOT, 'packages/backend');
export const PORTAL_TOKEN = 'local-dev-license-ctl-token';

export interface Portal {
  url: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

function alive(pid: number) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the portal backend (packages/backend/src/index.ts, the backend that
 * ships: auth with guest sign-in, permission backend with the license admin
 * policy, catalog, License Management) as a child process on 127.0.0.1, with
 * app-config.yaml plus `extra` YAML lines, in production mode. Only this
 * child's process group is ever signalled.
 */
export async function startPortal(options: {
  work: string;
  extraYaml: string[];
  env?: NodeJS.ProcessEnv;
  nodeArgs?: string[];
}): Promise<Portal> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const extra = join(options.work, `extra-${port}.yaml`);
  await writeFile(
    extra,
    [
      'backend:',
      `  baseUrl: ${url}`,
      '  listen:',
      '    host: 127.0.0.1',
      `    port: ${port}`,
      '  database:',
      '    client: better-sqlite3',
      '    connection:',
      `      directory: ${JSON.stringify(join(options.work, `db-${port}`))}`,
      'auth:',
      '  providers:',
      '    guest:',
      '      dangerouslyAllowOutsideDevelopment: true',
      ...options.extraYaml,
      '',
    ].join('\n'),
  );
  const logFile = join(options.work, `portal-${port}.log`);
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      '--config',
      '../../app-config.yaml',
      '--config',
      extra,
    ],
    {
      cwd: BACKEND_DIR,
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, NODE_ENV: 'production', LICENSE_PORTAL_GUEST: 'true', LOG_LEVEL: 'warn', ...options.env },
    },
  );
  closeSync(log);
  const pid = child.pid!;
  const kill = () => alive(pid) && process.kill(-pid, 'SIGKILL');
  process.on('exit', kill);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`portal exited:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    try {
      if ((await fetch(`${url}/api/license-management/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`portal did not start:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    await new Promise(r => setTimeout(r, 300));
  }
  return {
    url,
    pid,
    logFile,
    async stop() {
      if (alive(pid)) process.kill(-pid, 'SIGTERM');
      const until = Date.now() + 15_000;
      while (alive(pid) && Date.now() < until) await new Promise(r => setTimeout(r, 200));
      kill();
      process.removeListener('exit', kill);
    },
  };
}

/** A user token for user:development/guest, from the guest sign-in of the portal. */
export async function guestToken(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/guest/refresh`, { headers: { 'x-requested-with': 'XMLHttpRequest' } });
  if (!res.ok) throw new Error(`guest sign-in failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { backstageIdentity: { token: string } };
  return body.backstageIdentity.token;
}
