import { createHash } from 'node:crypto';
import fs from 'node:fs';

/** Streams a file through sha256 (never reads it whole into memory). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
