/**
 * Child processes for end-to-end tests: each runs in its own process group
 * (so that `npx` and everything it starts stop together), logs to a file,
 * and is killed even if jest exits without running afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface StartOptions {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** stdout and stderr go here (appended). */
  logFile: string;
}

export class ProcessGroup {
  private readonly child: ChildProcess;
  private readonly killOnExit = () => this.killSync();
  /** Resolves once the leader process has exited. */
  readonly exited: Promise<void>;
  private done = false;

  private constructor(private readonly options: StartOptions) {
    const log = openSync(options.logFile, 'a');
    this.child = spawn(options.command, options.args, {
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', log, log],
      env: options.env,
    });
    closeSync(log);
    process.on('exit', this.killOnExit);
    const child = this.child;
    this.exited = new Promise<void>(resolve => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    }).then(() => {
      this.done = true;
    });
  }

  static start(options: StartOptions): ProcessGroup {
    return new ProcessGroup(options);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the leader process has exited (the group may live on). */
  hasExited(): boolean {
    return this.done;
  }

  /** The last `lines` lines of the log. */
  log(lines = 40): string {
    try {
      return readFileSync(this.options.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** How often `text` occurs in the log so far. */
  count(text: string): number {
    try {
      return readFileSync(this.options.logFile, 'utf8').split(text).length - 1;
    } catch {
      return 0;
    }
  }

  /** Whether any process of the group is alive. */
  alive(): boolean {
    const pid = this.child.pid;
    if (!pid) return false;
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once all are gone. */
  async stop(graceMs = 15_000): Promise<void> {
    const pid = this.child.pid;
    if (pid && this.alive()) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // gone already
      }
      const deadline = Date.now() + graceMs;
      while (this.alive() && Date.now() < deadline) await sleep(200);
      if (this.alive()) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      const killDeadline = Date.now() + 5_000;
      while (this.alive() && Date.now() < killDeadline) await sleep(100);
    }
    await this.exited;
    process.removeListener('exit', this.killOnExit);
  }

  private killSync() {
    const pid = this.child.pid;
    if (pid && this.alive()) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface WaitForUrlOptions {
  timeoutMs: number;
  /** Fail early, with its log, if this process exits. */
  process?: ProcessGroup;
  /** What to call the thing in errors, e.g. "the backend". */
  what: string;
}

/** Polls `url` until it answers 2xx. */
export async function waitForUrl(url: string, options: WaitForUrlOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (options.process?.hasExited()) {
      throw new Error(`${options.what} exited while starting:\n${options.process.log()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await sleep(500);
  }
  throw new Error(
    `${options.what} did not answer ${url} within ${options.timeoutMs / 1000}s:\n${options.process?.log() ?? ''}`,
  );
}
