import { InputError } from '@backstage/errors';
import busboy from 'busboy';
import type { Request } from 'express';
import { LICENSE_FILE_LIMITS } from '@backstage-licensing/plugin-license-management-node';
import { PayloadTooLargeError } from '../service/errors';

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
const tooLarge = () =>
  new PayloadTooLargeError('The upload is larger than 1 MiB; a license file may be at most 1 MiB.');

/**
 * The bytes of an uploaded license file: the raw body (text/plain or
 * application/gzip) or the multipart field `file`. At most 1 MiB (413).
 */
export async function readUpload(req: Request): Promise<Buffer> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (Number(req.headers['content-length'] ?? 0) > LIMIT + 64 * 1024) throw tooLarge();
  if (type === 'multipart/form-data') return readMultipart(req);
  if (RAW_TYPES.includes(type)) return readRaw(req);
  throw new InputError(
    `Send the license file as the request body with Content-Type text/plain or application/gzip, or as the multipart/form-data field 'file' (got '${type || 'no Content-Type'}').`,
  );
}

async function readRaw(req: Request): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > LIMIT) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function readMultipart(req: Request): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: LIMIT, fields: 16 } });
    } catch {
      reject(new InputError('The multipart body is malformed: it has no boundary.'));
      return;
    }
    let file: Buffer | undefined;
    let failure: Error | undefined;
    parser.on('file', (name, stream) => {
      if (name !== 'file') {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        failure = tooLarge();
      });
      stream.on('close', () => {
        file = Buffer.concat(chunks);
      });
    });
    parser.on('error', () => reject(new InputError('The multipart body is malformed.')));
    parser.on('close', () => {
      if (failure) reject(failure);
      else if (!file) reject(new InputError("The multipart body has no field 'file' holding the license file."));
      else resolve(file);
    });
    req.pipe(parser);
  });
}
