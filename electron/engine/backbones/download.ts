// One file over HTTP(S) with progress, resume (Range) and a sha256 check. A partial file is
// kept as <dest>.part so the next attempt continues where this one stopped; a file that fails
// its checksum is deleted, since resuming it would only repeat the error.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import { looksOffline } from './offline.js';

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** No network at all (DNS, no route, connect timeout): see offline.ts. */
    readonly offline = false,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface DownloadOptions {
  expectedSha256?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Bytes of this file received so far (including resumed bytes), and its size if known. */
  onProgress?: ((received: number, total: number | null) => void) | undefined;
}

async function hashExisting(file: string): Promise<{ hash: ReturnType<typeof createHash>; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  if (fs.existsSync(file)) {
    for await (const chunk of fs.createReadStream(file)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  }
  return { hash, size };
}

/** Downloads `url` to `dest` (atomically: dest appears only when complete and verified). */
export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<{ sha256: string; bytes: number }> {
  const part = `${dest}.part`;
  let { hash, size: resumeFrom } = await hashExisting(part);

  let response: Response;
  try {
    response = await fetch(url, {
      headers: resumeFrom > 0 ? { Range: `bytes=${resumeFrom}-` } : {},
      signal: options.signal ?? null,
      redirect: 'follow',
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new DownloadError(`Could not reach ${url}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`, true, looksOffline(error, url));
  }
  if (response.status === 416 && resumeFrom > 0) {
    // The server says there is nothing past what we hold; start over to be sure.
    fs.rmSync(part, { force: true });
    return downloadFile(url, dest, options);
  }
  if (response.status !== 200 && response.status !== 206) {
    throw new DownloadError(`${url} answered HTTP ${response.status}`, response.status >= 500 || response.status === 429);
  }
  if (response.status === 200 && resumeFrom > 0) {
    // No range support: the body is the whole file again.
    resumeFrom = 0;
    hash = createHash('sha256');
  }
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? resumeFrom + length : null;
  let received = resumeFrom;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      hash.update(chunk);
      received += chunk.length;
      options.onProgress?.(received, total);
      callback(null, chunk);
    },
  });
  if (!response.body) throw new DownloadError(`${url} sent no body`, true);
  try {
    await pipeline(
      Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>),
      meter,
      fs.createWriteStream(part, { flags: resumeFrom > 0 ? 'a' : 'w' }),
      { signal: options.signal },
    );
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new DownloadError(`Download of ${url} broke off after ${received} bytes: ${(error as Error).message}`, true);
  }
  if (total !== null && received !== total) {
    throw new DownloadError(`Download of ${url} ended early: ${received} of ${total} bytes`, true);
  }
  const sha256 = hash.digest('hex');
  if (options.expectedSha256 && sha256 !== options.expectedSha256) {
    fs.rmSync(part, { force: true });
    throw new DownloadError(`Checksum mismatch for ${url}: expected ${options.expectedSha256}, got ${sha256}`, false);
  }
  fs.renameSync(part, dest);
  return { sha256, bytes: received };
}
