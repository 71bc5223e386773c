// Content identity: sha256 streamed chunk by chunk as the file is read. The first chunk is
// shown to a gatekeeper first, so a file that is not an image is refused before the rest is
// read. A file up to `keepUpTo` bytes is read straight into one buffer that the decoder then
// uses, so it is read from disk once and held in memory once; a bigger file is streamed
// through a fixed buffer and the decoder reads it from disk itself.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';

const CHUNK = 256 * 1024;
const TAIL = 64;

export interface FileIdentity {
  sha256: string;
  bytes: number;
  /** The last bytes of the file: whether an image's end marker is there tells truncation apart. */
  tail: Buffer;
  /** The whole file, when it was small enough to keep. */
  content: Buffer | null;
}

export interface HashOptions {
  /** Sees the first bytes (up to 256 KiB) and may throw to stop. */
  inspectHead?: (head: Buffer) => void;
  /** Keep files up to this size in memory for the decoder (0: never). */
  keepUpTo?: number;
}

/** Errors are the file system's own (ENOENT, EACCES, ...): the caller classifies them. */
export async function hashFile(file: string, options: HashOptions = {}): Promise<FileIdentity> {
  const handle = await fs.open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const keep = size > 0 && size <= (options.keepUpTo ?? 0);
    // Kept files are read into their own buffer at increasing offsets; others reuse one chunk.
    const target = keep ? Buffer.allocUnsafe(size) : Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)));
    const hash = createHash('sha256');
    let bytes = 0;
    let tail = Buffer.alloc(0);
    for (;;) {
      const offset = keep ? bytes : 0;
      const length = keep ? Math.min(CHUNK, size - bytes) : target.length;
      const { bytesRead } = length > 0 ? await handle.read(target, offset, length, bytes) : { bytesRead: 0 };
      if (bytes === 0) options.inspectHead?.(target.subarray(offset, offset + bytesRead));
      if (bytesRead === 0) break;
      const chunk = target.subarray(offset, offset + bytesRead);
      hash.update(chunk);
      tail = Buffer.concat([tail, chunk.subarray(Math.max(0, bytesRead - TAIL))]).subarray(-TAIL);
      bytes += bytesRead;
    }
    // A file that grew while it was read is hashed whole but not kept: the buffer holds less.
    return { sha256: hash.digest('hex'), bytes, tail, content: keep && bytes === size ? target : null };
  } finally {
    await handle.close();
  }
}
