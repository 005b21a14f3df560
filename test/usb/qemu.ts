/**
 * A QEMU guest with an xHCI controller for real USB enumeration tests.
 *
 * `checkQemu()` says whether this host can run it (qemu-system-x86_64, a
 * Debian kernel with its modules, a static busybox); `startGuest()` boots
 * the kernel with a generated initramfs that mounts the host's /usr and the
 * project over 9p (read-only, same paths) and runs one Node script with the
 * host's own Node binary. The script's stdout comes back as lines; devices
 * are hot-plugged and unplugged over QMP.
 *
 * Installs nothing: see README.md for the Debian packages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { emulatedDevice, USB_STORAGE_IDS } from './devices';
import { checkQemu } from './host';
import { prepareMachine } from './machine';
import { Qmp } from './qmp';

export { checkQemu, PACKAGES, reportSkip, type QemuCheck } from './host';
export { EMULATED_DEVICES, USB_STORAGE_IDS } from './devices';

/** The repository root (test/usb/../..). */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');

export interface GuestOptions {
  /** The Node script to run in the guest, absolute (it must lie in a shared directory). */
  script: string;
  args?: string[];
  /** Options for node before the script, e.g. ['--require', '@backstage/cli/config/nodeTransform.cjs']. */
  nodeArgs?: string[];
  /** The guest script's environment (only these, plus PATH and HOME unless given). */
  env?: Record<string, string>;
  /** Shared read-only at the same path; default: the repository root. */
  projectRoot?: string;
  /** The guest's working directory; default: projectRoot. */
  cwd?: string;
  /** More kernel modules to load, e.g. ['usb-storage']. */
  modules?: string[];
  memoryMb?: number;
  /** QEMU accelerator; default LMK_QEMU_ACCEL or 'tcg' (software emulation). */
  accel?: string;
  /** QEMU user networking: the guest reaches the host's loopback services at 10.0.2.2. */
  network?: boolean;
  /** Until the guest's /init runs the script; default 90 s. */
  bootTimeoutMs?: number;
}

export interface PlugOptions {
  vendorId?: number;
  productId?: number;
  /** QEMU device id; default: generated. */
  id?: string;
}

export interface Line {
  text: string;
  /** Host time (Date.now()) when the line arrived. */
  at: number;
}

/** Listens on a fresh unix socket and resolves with QEMU's connection to it. */
function listen(path: string): { server: Server; connection: Promise<Socket> } {
  const server = createServer();
  const connection = new Promise<Socket>(resolveConnection => {
    server.once('connection', socket => resolveConnection(socket));
  });
  server.listen(path);
  return { server, connection };
}

/** A timer that does not keep the process (or jest) alive. */
const delay = (ms: number) => new Promise(r => setTimeout(r, ms).unref());

export class Guest {
  /** Every line the guest script wrote to stdout, in order. */
  readonly lines: Line[] = [];
  /** Milliseconds from starting QEMU to the guest running the script. */
  bootMs = 0;
  private consoleText = '';
  private lineListeners = new Set<(line: Line) => void>();
  private exited = false;
  private exitWaiters: Array<() => void> = [];
  private plugged = new Map<string, { blockNode?: string; chardev?: string }>();
  /** If the test process exits without stop(): QEMU and the files go too. */
  private readonly killOnExit = () => {
    this.child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  };

  private constructor(
    private readonly child: ChildProcess,
    private readonly qmp: Qmp,
    private readonly dir: string,
    private readonly servers: Server[],
    private readonly sockets: Socket[],
  ) {
    process.on('exit', this.killOnExit);
    child.once('exit', (code, signal) => {
      this.exited = true;
      this.consoleText += `\n[qemu exited: ${signal ?? code}]\n`;
      process.off('exit', this.killOnExit);
      this.exitWaiters.forEach(w => w());
    });
  }

  /** Boots a guest and resolves once its script has started. */
  static async start(options: GuestOptions): Promise<Guest> {
    const check = checkQemu();
    if (!check.ok)
      throw new Error(`Cannot start the QEMU guest: ${check.reason}`);
    const projectRoot = realpathSync(options.projectRoot ?? PROJECT_ROOT);
    const dir = mkdtempSync(join(tmpdir(), 'lmk-usb-'));
    let args: string[];
    try {
      args = prepareMachine(check, { ...options, projectRoot }, dir);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    const qmpSocket = listen(join(dir, 'qmp.sock'));
    const consoleSocket = listen(join(dir, 'console.sock'));
    const outSocket = listen(join(dir, 'out.sock'));
    const started = Date.now();
    const child = spawn(check.qemu, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let qemuOutput = '';
    child.stdout!.on('data', d => (qemuOutput += d));
    child.stderr!.on('data', d => (qemuOutput += d));
    const failedToStart = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', code =>
        reject(
          new Error(
            `qemu-system-x86_64 exited (${code}) before connecting: ${qemuOutput.trim()}`,
          ),
        ),
      );
    });
    const connect = async () => {
      const [qmpConnection, consoleConnection, outConnection] =
        await Promise.all([
          qmpSocket.connection,
          consoleSocket.connection,
          outSocket.connection,
        ]);
      for (const socket of [qmpConnection, consoleConnection, outConnection]) {
        socket.on('error', () => undefined); // ECONNRESET when QEMU quits
      }
      return { qmpConnection, consoleConnection, outConnection };
    };
    let sockets: Awaited<ReturnType<typeof connect>>;
    try {
      sockets = await Promise.race([connect(), failedToStart]);
    } catch (error) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    failedToStart.catch(() => undefined);
    const guest = new Guest(
      child,
      new Qmp(sockets.qmpConnection),
      dir,
      [qmpSocket.server, consoleSocket.server, outSocket.server],
      [sockets.consoleConnection, sockets.outConnection],
    );
    child.stdout!.on('data', d => (guest.consoleText += `[qemu] ${d}`));
    child.stderr!.on('data', d => (guest.consoleText += `[qemu] ${d}`));
    sockets.consoleConnection.setEncoding('utf8');
    sockets.consoleConnection.on(
      'data',
      (text: string) => (guest.consoleText += text),
    );
    let partial = '';
    sockets.outConnection.setEncoding('utf8');
    sockets.outConnection.on('data', (text: string) => {
      const at = Date.now();
      partial += text.replace(/\r/g, '');
      let newline: number;
      while ((newline = partial.indexOf('\n')) >= 0) {
        const line = { text: partial.slice(0, newline), at };
        partial = partial.slice(newline + 1);
        guest.lines.push(line);
        guest.lineListeners.forEach(listener => listener(line));
      }
    });
    try {
      await guest.qmp.handshake();
      await guest.waitForConsole(
        /lmk-guest: run /,
        options.bootTimeoutMs ?? 90_000,
        'the guest to start the script',
      );
    } catch (error) {
      await guest.stop();
      if (/lmk-guest|Guest console/.test(String(error))) throw error;
      throw new Error(`${(error as Error).message}\n${guest.consoleTail()}`);
    }
    guest.bootMs = Date.now() - started;
    return guest;
  }

  /** The guest's serial console so far (kernel messages, /init, the script's stderr). */
  console(): string {
    return this.consoleText;
  }

  /** The first stdout line from index `from` on (default: all lines so far) for which `match` returns a value. */
  waitForLine<T>(
    match: (text: string) => T | undefined | false,
    timeoutMs: number,
    what: string,
    from = 0,
  ): Promise<{ value: T; line: Line }> {
    for (const line of this.lines.slice(from)) {
      const value = match(line.text);
      if (value !== undefined && value !== false)
        return Promise.resolve({ value, line });
    }
    return new Promise((resolvePromise, reject) => {
      const listener = (line: Line) => {
        const value = match(line.text);
        if (value === undefined || value === false) return;
        done();
        resolvePromise({ value, line });
      };
      const onExit = () => {
        done();
        reject(
          new Error(
            `The guest stopped while waiting for ${what}.\n${this.consoleTail()}`,
          ),
        );
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `No line for ${what} within ${timeoutMs} ms. Last lines:\n${this.lines
              .slice(-5)
              .map(l => l.text)
              .join('\n')}\n${this.consoleTail()}`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.lineListeners.delete(listener);
        this.exitWaiters = this.exitWaiters.filter(w => w !== onExit);
      };
      this.lineListeners.add(listener);
      if (this.exited) onExit();
      else this.exitWaiters.push(onExit);
    });
  }

  /**
   * The script's stdout lines from index `from` on (default: the first), as
   * they come; ends when the guest stops.
   */
  async *readLines(from = 0): AsyncGenerator<Line> {
    let next = from;
    while (true) {
      while (next < this.lines.length) yield this.lines[next++];
      if (this.exited) return;
      await new Promise<void>(wake => {
        const done = () => {
          stopListening();
          this.exitWaiters = this.exitWaiters.filter(w => w !== done);
          wake();
        };
        const stopListening = this.onLine(done);
        this.exitWaiters.push(done);
      });
    }
  }

  /** Calls `listener` for every stdout line from now on; returns the unsubscribe function. */
  onLine(listener: (line: Line) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  /**
   * Hot-plugs an emulated device on the xHCI controller and returns its id.
   * `serial`: the serial-number string it presents; `null` lets QEMU invent
   * one; '' presents an empty string descriptor (Linux then has no serial).
   * The ids choose the device type (EMULATED_DEVICES; default usb-storage).
   */
  async plug(
    serial: string | null,
    options: PlugOptions = {},
  ): Promise<string> {
    const vendorId = options.vendorId ?? USB_STORAGE_IDS.vendorId;
    const productId = options.productId ?? USB_STORAGE_IDS.productId;
    const type = emulatedDevice(vendorId, productId);
    const id = options.id ?? `dev${randomBytes(4).toString('hex')}`;
    const args: Record<string, unknown> = {
      driver: type.driver,
      id,
      bus: 'xhci.0',
    };
    if (serial !== null) args.serial = serial;
    let blockNode: string | undefined;
    let chardev: string | undefined;
    if (type.driver === 'usb-serial') {
      chardev = `chr-${id}`;
      await this.qmp.execute('chardev-add', {
        id: chardev,
        backend: { type: 'ringbuf', data: { size: 4096 } },
      });
      args.chardev = chardev;
    }
    if (type.driver === 'usb-storage') {
      blockNode = `blk-${id}`;
      await this.qmp.execute('blockdev-add', {
        driver: 'null-co',
        'node-name': blockNode,
        size: 64 * 1024 * 1024,
        'read-zeroes': true,
      });
      args.drive = blockNode;
    }
    try {
      await this.qmp.execute('device_add', args);
    } catch (error) {
      if (blockNode)
        await this.qmp
          .execute('blockdev-del', { 'node-name': blockNode })
          .catch(() => undefined);
      if (chardev)
        await this.qmp
          .execute('chardev-remove', { id: chardev })
          .catch(() => undefined);
      throw error;
    }
    this.plugged.set(id, { blockNode, chardev });
    return id;
  }

  /** Hot-unplugs a device plugged by `plug()` and waits until QEMU has removed it. */
  async unplug(id: string): Promise<void> {
    const device = this.plugged.get(id);
    if (!device)
      throw new Error(
        `No device ${id} is plugged in (plugged: ${
          [...this.plugged.keys()].join(', ') || 'none'
        })`,
      );
    const deleted = this.qmp.waitForEvent(
      e => e.event === 'DEVICE_DELETED' && e.data?.device === id,
      10_000,
      `DEVICE_DELETED for ${id}`,
    );
    await this.qmp.execute('device_del', { id });
    await deleted;
    if (device.blockNode)
      await this.qmp.execute('blockdev-del', { 'node-name': device.blockNode });
    if (device.chardev)
      await this.qmp.execute('chardev-remove', { id: device.chardev });
    this.plugged.delete(id);
  }

  /** Any QMP command, for experiments. */
  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    return this.qmp.execute(command, args);
  }

  /** Stops QEMU (QMP quit, then SIGKILL after 3 s) and removes its temporary files. */
  async stop(): Promise<void> {
    if (!this.exited) {
      const gone = new Promise<void>(r => this.exitWaiters.push(r));
      this.qmp.execute('quit').catch(() => undefined);
      await Promise.race([gone, delay(3000)]);
      if (!this.exited) {
        this.child.kill('SIGKILL');
        await gone;
      }
    }
    this.qmp.close();
    this.sockets.forEach(socket => socket.destroy());
    this.servers.forEach(server => server.close());
    rmSync(this.dir, { recursive: true, force: true });
  }

  private consoleTail(lines = 30): string {
    return `Guest console (last ${lines} lines):\n${this.consoleText
      .split('\n')
      .slice(-lines)
      .join('\n')}`;
  }

  private async waitForConsole(
    pattern: RegExp,
    timeoutMs: number,
    what: string,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.consoleText)) {
      if (/lmk-guest: failed/.test(this.consoleText) || this.exited) {
        throw new Error(
          `The guest failed before ${what}.\n${this.consoleTail()}`,
        );
      }
      if (Date.now() > deadline)
        throw new Error(
          `Timed out after ${timeoutMs} ms waiting for ${what}.\n${this.consoleTail()}`,
        );
      await delay(50);
    }
  }
}

/** Boots a guest running `options.script`; see Guest. */
export function startGuest(options: GuestOptions): Promise<Guest> {
  return Guest.start(options);
}
