/**
 * A minimal QMP (QEMU Machine Protocol) client over a connected socket:
 * commands with ids, and a wait for events such as DEVICE_DELETED.
 */
import type { Socket } from 'node:net';

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
}

type Pending = {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  command: string;
};

export class Qmp {
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private readonly events: QmpEvent[] = [];
  private readonly eventWaiters = new Set<(event: QmpEvent) => boolean>();
  private greeted!: Promise<void>;

  constructor(private readonly socket: Socket) {
    let greet: () => void;
    this.greeted = new Promise(resolve => (greet = resolve));
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      this.buffer += text;
      let newline: number;
      while ((newline = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, newline).trim();
        this.buffer = this.buffer.slice(newline + 1);
        if (!line) continue;
        const message = JSON.parse(line);
        if (message.QMP) greet();
        else if (message.event) this.onEvent(message);
        else if (message.id !== undefined) this.onReply(message);
      }
    });
    socket.on('close', () => {
      for (const [, p] of this.pending)
        p.reject(new Error(`QMP closed during ${p.command}`));
      this.pending.clear();
    });
  }

  async handshake(): Promise<void> {
    await this.greeted;
    await this.execute('qmp_capabilities');
  }

  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    const id = String(this.nextId++);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, command });
      this.socket.write(
        `${JSON.stringify({ execute: command, arguments: args, id })}\n`,
      );
    });
  }

  /** Resolves with the first event (already received or to come) that matches. */
  waitForEvent(
    match: (event: QmpEvent) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<QmpEvent> {
    const index = this.events.findIndex(match);
    if (index >= 0) return Promise.resolve(this.events.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter = (event: QmpEvent) => {
        if (!match(event)) return false;
        clearTimeout(timer);
        this.eventWaiters.delete(waiter);
        resolve(event);
        return true;
      };
      const timer = setTimeout(() => {
        this.eventWaiters.delete(waiter);
        reject(new Error(`QMP: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.eventWaiters.add(waiter);
    });
  }

  close() {
    this.socket.destroy();
  }

  private onEvent(event: QmpEvent) {
    for (const waiter of this.eventWaiters) if (waiter(event)) return;
    this.events.push(event);
    if (this.events.length > 100) this.events.shift();
  }

  private onReply(message: {
    id: string;
    return?: unknown;
    error?: { class: string; desc: string };
  }) {
    const p = this.pending.get(message.id);
    if (!p) return;
    this.pending.delete(message.id);
    if (message.error)
      p.reject(
        new Error(
          `QMP ${p.command}: ${message.error.class}: ${message.error.desc}`,
        ),
      );
    else p.resolve(message.return);
  }
}
