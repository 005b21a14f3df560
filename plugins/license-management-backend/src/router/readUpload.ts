import { InputError } from '@backstage/errors';
import busboy from 'busboy';
import type { Request } from 'express';
import { LICENSE_FILE_LIMITS, sizeInWords } from '@backstage-licensing/plugin-license-management-common';
import { PayloadTooLargeError } from '@backstage-licensing/plugin-license-management-node';
import { receiveBody, stopReading } from './receiveBody';

const RAW_TYPES = [
  'text/plain',
  'application/gzip',
  'application/x-gzip',
  'application/x-gtar',
  'application/x-tar',
  'application/x-compressed-tar',
  'application/octet-stream',
];
const LIMIT = LICENSE_FILE_LIMITS.maxUploadBytes;
/** A multipart body carries the file and its framing: boundaries, part headers, small fields. */
const MULTIPART_LIMIT = LIMIT + LICENSE_FILE_LIMITS.maxMultipartOverheadBytes;
/** How much of a multipart body is handed to the parser at a time. */
const WRITE_SIZE = 64 * 1024;
const tooLarge = () =>
  new PayloadTooLargeError(
    `The upload is larger than ${sizeInWords(LIMIT)}; a license file may be at most ${sizeInWords(LIMIT)}. Upload the license file you received from the vendor as it is.`,
  );

/**
 * The bytes of an uploaded license file: the raw body (text/plain or
 * application/gzip) or the multipart field `file`. At most
 * LICENSE_FILE_LIMITS.maxUploadBytes (1 MiB), counted as
 * the bytes arrive, with or without Content-Length: a body that passes the
 * limit is refused (413) at once, without reading the rest.
 */
export async function readUpload(req: Request): Promise<Buffer> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const multipart = type === 'multipart/form-data';
  if (!multipart && !RAW_TYPES.includes(type)) {
    stopReading(req);
    throw new InputError(
      `Send the license file as the request body with Content-Type text/plain or application/gzip, or as the multipart/form-data field 'file' (got '${type || 'no Content-Type'}').`,
    );
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > (multipart ? MULTIPART_LIMIT : LIMIT)) {
    stopReading(req);
    throw tooLarge();
  }
  return multipart ? readMultipart(req) : receiveBody(req, { limit: LIMIT, tooLarge }).body;
}

async function readMultipart(req: Request): Promise<Buffer> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // busboy reports 'limit' on reaching fileSize: one byte more than a file may hold.
      limits: { files: 8, fileSize: LIMIT + 1, fields: 16, fieldSize: 4096, parts: 32, headerPairs: 64 },
    });
  } catch {
    stopReading(req);
    throw new InputError('The multipart body is malformed: it has no boundary.');
  }
  let seen = false;
  let file: Buffer | undefined;
  // Small chunks are gathered before the parser sees them: it costs per write.
  let pending: Buffer[] = [];
  let pendingSize = 0;
  const flush = () => {
    if (pendingSize === 0) return;
    parser.write(pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingSize));
    pending = [];
    pendingSize = 0;
  };
  const reception = receiveBody(req, {
    limit: MULTIPART_LIMIT,
    tooLarge,
    onChunk: chunk => {
      pending.push(chunk);
      pendingSize += chunk.length;
      if (pendingSize >= WRITE_SIZE) flush();
    },
  });
  const parsed = new Promise<Buffer>((resolve, reject) => {
    const fail = (error: Error) => {
      reception.stop(error);
      reject(error);
    };
    parser.on('file', (name, stream) => {
      // A stream cut short when the parser stops reports an error of its own.
      stream.on('error', () => {});
      if (name !== 'file' || seen) {
        stream.resume();
        return;
      }
      seen = true;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => fail(tooLarge()));
      stream.on('close', () => {
        file = Buffer.concat(chunks);
      });
    });
    parser.on('error', () => fail(new InputError('The multipart body is malformed.')));
    parser.on('close', () => {
      if (file) resolve(file);
      else fail(new InputError("The multipart body has no field 'file' holding the license file."));
    });
    reception.body.then(
      () => {
        flush();
        parser.end();
      },
      (error: Error) => {
        parser.destroy();
        reject(error);
      },
    );
  });
  return parsed;
}
