// Serve mode answers only requests addressed to the loopback names it listens on. A page on
// another site can make a browser resolve its own name to 127.0.0.1 (DNS rebinding) and then
// read our answers as same-origin; its requests still carry that foreign name in Host.
import type { IncomingMessage, ServerResponse } from 'node:http';

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function guardHost(port: () => number, next: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const host = req.headers.host?.toLowerCase();
    if (!host || !allowedHosts(port()).includes(host)) {
      res.writeHead(421, { 'Content-Type': 'text/plain', Connection: 'close' }).end('Misdirected request');
      return;
    }
    next(req, res);
  };
}
