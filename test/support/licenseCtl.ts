/** Runs packages/license-ctl/bin/license-ctl as a subprocess. */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const LICENSE_CTL = join(ROOT, 'packages/license-ctl/bin/license-ctl');

export interface CtlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runLicenseCtl(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CtlResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [LICENSE_CTL, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', d => (stdout += d));
    child.stderr!.on('data', d => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
    child.on('error', reject);
    child.on('close', code => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Fails with the output of the subprocess, so a broken step says why. */
export function expectExit(r: CtlResult, code: number) {
  if (r.code !== code) {
    throw new Error(`license-ctl exited ${r.code}, expected ${code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}

/** YYYY-MM-DD (UTC) of a time in ms: what --expires takes. */
export const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
