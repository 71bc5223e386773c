// Transport 2: the contract over a WebSocket on 127.0.0.1, guarded by a per-launch token and
// the page's Origin. Serve mode and the Chromium end-to-end tests use it; it runs the same
// dispatcher as the Electron transport.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { isEventChannel, type EventChannel } from '../ipc/contract.js';
import type { Dispatch } from '../ipc/dispatch.js';
import type { EventBus } from '../ipc/event-bus.js';
import { fail } from '../domain/result.js';
import { ClientFrame, HEARTBEAT_INTERVAL_MS, MAX_FRAME_BYTES, TOKEN_PARAM, WS_PATH, type ServerFrame } from '../ipc/ws-protocol.js';
import { sameToken } from './token.js';
import { Backpressure } from './ws-backpressure.js';

export interface WsAttachOptions {
  server: Server;
  dispatch: Dispatch;
  bus: EventBus;
  token: string;
  /** Origins a browser page may connect from; requests with another Origin are refused. */
  allowedOrigins: () => string[];
  /** Host headers the handshake may carry (DNS rebinding, as for HTTP); absent: not checked. */
  allowedHosts?: () => string[];
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`);
}

export function attachWebSocket(options: WsAttachOptions): { close(): void; clientCount(): number } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const host = request.headers.host?.toLowerCase();
    if (options.allowedHosts && (!host || !options.allowedHosts().includes(host))) return refuse(socket, 421, 'Misdirected Request');
    if (url.pathname !== WS_PATH) return refuse(socket, 404, 'Not Found');
    if (!sameToken(url.searchParams.get(TOKEN_PARAM), options.token)) return refuse(socket, 401, 'Unauthorized');
    // Browsers always send Origin on WebSocket requests; a page from elsewhere must not drive
    // the studio even if it learnt the token. Non-browser clients (tests, CLI) send none.
    const origin = request.headers.origin;
    if (origin !== undefined && !options.allowedOrigins().includes(origin)) return refuse(socket, 403, 'Forbidden');
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  options.server.on('upgrade', onUpgrade);

  // The heartbeat lets a page notice a studio that stopped answering (frozen, or a connection
  // a proxy or a sleeping laptop left half-open) as quickly as one that closed its socket. A
  // beat is skipped for a client whose send buffer is still full: it is alive, just slow.
  const beat = JSON.stringify({ t: 'beat' } satisfies ServerFrame);
  const heartbeat = setInterval(() => {
    for (const client of wss.clients) if (client.readyState === client.OPEN && client.bufferedAmount < MAX_FRAME_BYTES) client.send(beat);
  }, HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();

  wss.on('connection', (ws: WebSocket) => {
    const subscriptions = new Set<EventChannel>();
    const pressure = new Backpressure(ws);
    const send = (frame: ServerFrame) => pressure.send(JSON.stringify(frame));
    const stopListening = options.bus.listen((event, payload) => {
      if (subscriptions.has(event)) send({ t: 'evt', event, payload });
    });

    ws.on('message', (data, isBinary) => {
      if (isBinary) return send({ t: 'res', id: null, result: fail('invalid_payload', 'Binary frames are not part of the contract.') });
      let frame: ClientFrame;
      try {
        const parsed = ClientFrame.safeParse(JSON.parse(data.toString()));
        if (!parsed.success) return send({ t: 'res', id: null, result: fail('invalid_payload', 'Malformed frame.') });
        frame = parsed.data;
      } catch {
        return send({ t: 'res', id: null, result: fail('invalid_payload', 'Frames must be JSON.') });
      }
      if (frame.t === 'sub' || frame.t === 'unsub') {
        if (!isEventChannel(frame.event)) return;
        if (frame.t === 'sub') subscriptions.add(frame.event);
        else subscriptions.delete(frame.event);
        return;
      }
      const { id, channel, payload } = frame;
      pressure.run(() => options.dispatch(channel, payload, { transport: 'websocket' }).then((result) => send({ t: 'res', id, result })));
    });
    ws.on('close', stopListening);
    ws.on('error', stopListening);
  });

  return {
    close() {
      clearInterval(heartbeat);
      options.server.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
    clientCount: () => wss.clients.size,
  };
}
