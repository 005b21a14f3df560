import { InputError } from '@backstage/errors';
import type { Request } from 'express';

/**
 * Stops reading a request whose body is refused: nothing more is taken from
 * the connection for it, and the connection is closed once the answer has
 * been sent (so Node does not read the rest of the body to reach a next
 * request on it).
 */
export function stopReading(req: Request): void {
  req.unpipe();
  req.pause();
  if (req.res && !req.res.headersSent) req.res.setHeader('Connection', 'close');
}

export interface ReceiveBodyOptions {
  /** Most bytes the body may hold, counted as they are received. */
  limit: number;
  /** The error for a body over the limit (a 413). */
  tooLarge(): Error;
  /** Takes each chunk as it arrives; the default keeps them all for the result. */
  onChunk?(chunk: Buffer): void;
}

export interface BodyReception {
  /** The body (when no `onChunk` was given), once it has all arrived. */
  body: Promise<Buffer>;
  /** Stops reading and rejects `body` with the error. */
  stop(error: Error): void;
}

/**
 * Reads a request body, counting the bytes received whether or not
 * Content-Length was sent (chunked bodies too). As soon as the count passes
 * the limit it stops reading and rejects with `tooLarge()`: the bytes past the
 * limit are neither read to the end nor kept, so the 413 goes out at once.
 */
export function receiveBody(req: Request, options: ReceiveBodyOptions): BodyReception {
  const chunks: Buffer[] = [];
  const keep = options.onChunk ?? ((chunk: Buffer) => chunks.push(chunk));
  let size = 0;
  let settled = false;
  let resolve!: (body: Buffer) => void;
  let reject!: (error: Error) => void;
  const body = new Promise<Buffer>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // The caller may never await a body that was stopped before it ended.
  body.catch(() => {});

  const cleanup = () => {
    settled = true;
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
    req.off('close', onClose);
  };
  const stop = (error: Error) => {
    if (settled) return;
    cleanup();
    stopReading(req);
    reject(error);
  };
  function onData(chunk: Buffer) {
    if (settled) return;
    size += chunk.length;
    if (size > options.limit) {
      stop(options.tooLarge());
      return;
    }
    try {
      keep(chunk);
    } catch (e) {
      stop(e as Error);
    }
  }
  function onEnd() {
    if (settled) return;
    cleanup();
    resolve(Buffer.concat(chunks));
  }
  function onError(error: Error) {
    if (settled) return;
    cleanup();
    reject(new InputError(`The request body could not be read (${error.message}).`));
  }
  function onClose() {
    if (settled) return;
    cleanup();
    reject(new InputError('The request body was cut short: the connection closed before it ended.'));
  }
  if (req.readableEnded) {
    settled = true;
    resolve(Buffer.alloc(0));
    return { body, stop };
  }
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  req.on('close', onClose);
  req.resume();
  return { body, stop };
}
