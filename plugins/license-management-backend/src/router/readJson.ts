import { InputError } from '@backstage/errors';
import type { Request } from 'express';
import { PayloadTooLargeError } from '../service/errors';

export const JSON_LIMIT = 64 * 1024;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const UTF8 = /;\s*charset\s*=\s*"?utf-?8"?\s*(?:;|$)/i;

/**
 * The JSON body of a small request (the hot path of `POST /check`). It does
 * what `express.json()` does for such a body, without that parser's
 * generality (charsets other than UTF-8, compressed bodies) which costs more
 * than answering the check. A body that is not JSON by its Content-Type
 * reads as `{}`, so the schema names what is missing.
 */
export function readJson(req: Request): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!JSON_TYPE.test(type)) {
    req.resume();
    return Promise.resolve({});
  }
  const encoding = req.headers['content-encoding'];
  if (encoding && encoding.toLowerCase() !== 'identity') {
    req.resume();
    return Promise.reject(new InputError(`Send the request body uncompressed (got Content-Encoding '${encoding}').`));
  }
  if (type.includes('charset') && !UTF8.test(type)) {
    req.resume();
    return Promise.reject(new InputError('Send the request body as UTF-8 JSON.'));
  }
  const tooLarge = () => new PayloadTooLargeError(`The request body is larger than ${JSON_LIMIT / 1024} KiB.`);
  if (Number(req.headers['content-length'] ?? 0) > JSON_LIMIT) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= JSON_LIMIT) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > JSON_LIMIT) {
        reject(tooLarge());
        return;
      }
      const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8');
      if (text.trim() === '') {
        resolve({});
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new InputError('The request body is not valid JSON.'));
      }
    });
  });
}
