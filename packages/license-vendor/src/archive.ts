import { gzipSync } from 'node:zlib';
import { Header } from 'tar';

export interface ArchiveEntry {
  path: string;
  content?: string | Uint8Array;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link';
  linkpath?: string;
  /**
   * A raw typeflag byte written over the type's (hostile archives in tests:
   * 'Z', '3', 'x' without a body...); the contents are written as for a file.
   */
  typeflag?: string;
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
    const block = header.block!;
    if (entry.typeflag !== undefined) writeTypeflag(block, entry.typeflag);
    blocks.push(block);
    if (type === 'File' && body.length > 0) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** Writes a typeflag byte into an encoded header block and fixes its checksum. */
function writeTypeflag(block: Buffer, typeflag: string): void {
  block[156] = typeflag.charCodeAt(0) & 0xff;
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
}
