// A local HTTP server that publishes model folders (read in place from the fixtures) the way a
// model host does, Range requests included, and misbehaves on request: a connection dropped
// mid-file, a body shorter than its Content-Length, corrupted bytes, an HTTP error, a file that
// is short on the server itself. Every request is logged so tests can check what was asked.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export type Fault =
  /** Sends this many bytes of the body, then destroys the socket. */
  | { kind: 'drop'; after: number }
  /** Announces the full Content-Length, sends this many bytes, then closes the connection. */
  | { kind: 'truncate'; after: number }
  /** Sends the whole body with one byte flipped at this offset of the file. */
  | { kind: 'corrupt'; at: number }
  | { kind: 'status'; code: number }
  /** The file as published is cut to this many bytes (consistent headers: a bad upload). */
  | { kind: 'short'; bytes: number };

export interface LoggedRequest {
  path: string;
  query: string;
  range: string | null;
  status: number;
}

export interface ModelServer {
  /** http://127.0.0.1:PORT/<folder>/<file>, with an optional query string. */
  url(folder: string, file: string, query?: string): string;
  /** Faults for a file, applied to its next requests in order. */
  fail(folder: string, file: string, ...faults: Fault[]): void;
  readonly requests: LoggedRequest[];
  close(): Promise<void>;
}

export async function startModelServer(root: string): Promise<ModelServer> {
  const faults = new Map<string, Fault[]>();
  const requests: LoggedRequest[] = [];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const relative = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.resolve(root, relative);
    const log: LoggedRequest = { path: relative, query: url.search, range: req.headers.range ?? null, status: 200 };
    requests.push(log);
    const answer = (status: number, headers: http.OutgoingHttpHeaders = {}) => {
      log.status = status;
      res.writeHead(status, headers);
    };
    if (!file.startsWith(path.resolve(root) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      answer(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    const fault = faults.get(relative)?.shift();
    if (fault?.kind === 'status') {
      answer(fault.code, { 'content-type': 'text/plain' });
      res.end(`HTTP ${fault.code}`);
      return;
    }
    let data = fs.readFileSync(file);
    if (fault?.kind === 'short') data = data.subarray(0, fault.bytes);
    if (fault?.kind === 'corrupt') {
      data = Buffer.from(data);
      data[fault.at] = data[fault.at]! ^ 0xff;
    }
    const range = /^bytes=(\d+)-$/.exec(log.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start >= data.length && range) {
      answer(416, { 'content-range': `bytes */${data.length}` });
      res.end();
      return;
    }
    const body = data.subarray(start);
    const headers: http.OutgoingHttpHeaders = { 'content-length': body.length, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
    if (range) headers['content-range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
    answer(range ? 206 : 200, headers);
    if (fault?.kind === 'drop' || fault?.kind === 'truncate') {
      const cut = fault.after;
      res.write(body.subarray(0, cut), () => {
        // Give the client a moment to take the bytes in, so a resume has something to continue.
        setTimeout(() => (fault.kind === 'drop' ? res.socket?.destroy() : res.socket?.end()), 50);
      });
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: (folder, file, query = '') => `http://127.0.0.1:${port}/${encodeURIComponent(folder)}/${file}${query}`,
    fail: (folder, file, ...list) => faults.set(`${folder}/${file}`, [...(faults.get(`${folder}/${file}`) ?? []), ...list]),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
