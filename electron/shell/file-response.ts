// A Response whose body streams from an already-open file handle: whatever was checked on that
// handle (type, size, first bytes) is what gets sent, even if the path is swapped meanwhile.
import type fs from 'node:fs';
import { Readable } from 'node:stream';

export function fileResponse(handle: fs.promises.FileHandle, size: number, headers: Record<string, string>, method: string): Response {
  const allHeaders = { ...headers, 'Content-Length': String(size) };
  if (method === 'HEAD' || size === 0) {
    void handle.close().catch(() => undefined);
    return new Response(null, { status: 200, headers: allHeaders });
  }
  // autoClose (the default) closes the handle at the end of the stream or on error.
  const stream = handle.createReadStream({ start: 0, end: Math.max(0, size - 1) });
  // Node's web stream and the global ReadableStream are one class at run time; their type
  // declarations come from two packages.
  return new Response(Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>, { status: 200, headers: allHeaders });
}

export function textResponse(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers } });
}
