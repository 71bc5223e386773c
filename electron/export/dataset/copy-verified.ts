// Copies a file while hashing it, so an exported dataset holds exactly the content the project
// labeled: a file that changed since it was imported is reported, not exported under a stale
// label and hash.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Copies `from` to `to` (which must not exist); returns the content's sha256. */
export async function copyHashed(from: string, to: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(
    fs.createReadStream(from),
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    }),
    fs.createWriteStream(to, { flags: 'wx' }),
  );
  return hash.digest('hex');
}
