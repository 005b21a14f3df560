import { gzipSync } from 'node:zlib';
import { Header } from 'tar';

export interface ArchiveEntry {
  path: string;
  content?: string | Uint8Array;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link';
  linkpath?: string;
}

/**
 * Builds a gzip-compressed tar archive in memory: how license-ctl writes
 * .tar.gz license files (and how tests build hostile ones).
 */
export function buildTarGz(entries: readonly ArchiveEntry[], mtime = new Date()): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.content ?? '');
    const type = entry.type ?? 'File';
    const header = new Header({
      path: entry.path,
      type,
      mode: type === 'Directory' ? 0o755 : 0o644,
      size: type === 'File' ? body.length : 0,
      mtime,
      linkpath: entry.linkpath,
      uid: 0,
      gid: 0,
    });
    header.encode();
    blocks.push(header.block!);
    if (type === 'File' && body.length > 0) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
