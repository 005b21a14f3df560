import { InputError } from '@backstage/errors';
import type { Request } from 'express';
import { JSON_BODY_LIMIT_BYTES, sizeInWords } from '@backstage-licensing/plugin-license-management-common';
import { PayloadTooLargeError } from '@backstage-licensing/plugin-license-management-node';
import { receiveBody, stopReading } from './receiveBody';

export const JSON_LIMIT = JSON_BODY_LIMIT_BYTES;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const UTF8 = /;\s*charset\s*=\s*"?utf-?8"?\s*(?:;|$)/i;

/**
 * The JSON body of a small request (the hot path of `POST /check`). It does
 * what `express.json()` does for such a body, without that parser's
 * generality (charsets other than UTF-8, compressed bodies) which costs more
 * than answering the check. A body that is not JSON by its Content-Type
 * reads as `{}`, so the schema names what is missing. The limit counts the
 * bytes received, with or without Content-Length: a body that passes it is
 * refused (413) at once, without reading the rest.
 */
export function readJson(req: Request): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!JSON_TYPE.test(type)) {
    // The answer is a 400 naming what is missing; the body is not read.
    if (!req.readableEnded) stopReading(req);
    return Promise.resolve({});
  }
  const encoding = req.headers['content-encoding'];
  if (encoding && encoding.toLowerCase() !== 'identity') {
    stopReading(req);
    return Promise.reject(new InputError(`Send the request body uncompressed (got Content-Encoding '${encoding}').`));
  }
  if (type.includes('charset') && !UTF8.test(type)) {
    stopReading(req);
    return Promise.reject(new InputError('Send the request body as UTF-8 JSON.'));
  }
  const tooLarge = () =>
    new PayloadTooLargeError(`The request body is larger than ${sizeInWords(JSON_LIMIT)}; send a smaller JSON body.`);
  if (Number(req.headers['content-length'] ?? 0) > JSON_LIMIT) {
    stopReading(req);
    return Promise.reject(tooLarge());
  }
  return receiveBody(req, { limit: JSON_LIMIT, tooLarge }).body.then(body => {
    const text = body.toString('utf8');
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text);
    } catch {
      throw new InputError('The request body is not valid JSON.');
    }
  });
}
