// Content identity: sha256 streamed through one fixed buffer, so a file is never held whole in
// memory. The first chunk is shown to a gatekeeper first, so that a file that is not an image
// is refused before the rest of it is read.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';

const CHUNK = 256 * 1024;

export interface FileIdentity {
  sha256: string;
  bytes: number;
  /** The last bytes of the file: whether an image's end marker is there tells truncation apart. */
  tail: Buffer;
}

const TAIL = 64;

/**
 * Hashes `file`; `inspectHead` sees the first bytes (up to 256 KiB) and may throw to stop.
 * Errors are the file system's own (ENOENT, EACCES, ...): the caller classifies them.
 */
export async function hashFile(file: string, inspectHead?: (head: Buffer) => void): Promise<FileIdentity> {
  const handle = await fs.open(file, 'r');
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK);
    let bytes = 0;
    let tail = Buffer.alloc(0);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytes === 0) inspectHead?.(buffer.subarray(0, bytesRead));
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      hash.update(chunk);
      tail = Buffer.concat([tail, chunk.subarray(Math.max(0, bytesRead - TAIL))]).subarray(-TAIL);
      bytes += bytesRead;
    }
    return { sha256: hash.digest('hex'), bytes, tail };
  } finally {
    await handle.close();
  }
}
