// Client side of the WebSocket transport. Runs in the browser (serve mode, e2e tests) and in
// Node tests; the WebSocket class is passed in so neither side imports the other's.
import type { Transport } from './client.js';
import { fail, type Result } from '../domain/result.js';
import { ServerFrame, TOKEN_PARAM, WS_PATH, type ClientFrame } from './ws-protocol.js';

interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}
export type SocketClass = new (url: string) => SocketLike;

export interface WsTransport extends Transport {
  readonly ready: Promise<void>;
  close(): void;
}

/** What a reconnecting owner (ws-reconnect.ts) hears of one connection. */
export interface WsHooks {
  /** Any frame arrived (a reply, an event or a heartbeat): the studio is alive. */
  onActivity?: () => void;
  onClose?: () => void;
}

export function wsUrl(httpOrigin: string, token: string): string {
  const url = new URL(WS_PATH, httpOrigin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set(TOKEN_PARAM, token);
  return url.toString();
}

export function connectWebSocket(url: string, Socket: SocketClass, hooks: WsHooks = {}): WsTransport {
  const socket = new Socket(url);
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const subscribers = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let closed = false;

  const send = (frame: ClientFrame) => socket.send(JSON.stringify(frame));

  const ready = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () => reject(new Error(`Could not connect to ${url.replace(/token=[^&]+/, 'token=…')}`)));
  });
  ready.catch(() => undefined);

  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    hooks.onActivity?.();
    let frame: ServerFrame;
    try {
      frame = ServerFrame.parse(JSON.parse(event.data));
    } catch {
      return;
    }
    if (frame.t === 'res') {
      if (frame.id === null) return;
      const resolve = pending.get(frame.id);
      pending.delete(frame.id);
      resolve?.(frame.result as Result<unknown>);
    } else if (frame.t === 'evt') {
      for (const callback of subscribers.get(frame.event) ?? []) callback(frame.payload);
    }
  });
  socket.addEventListener('close', () => {
    closed = true;
    for (const resolve of pending.values()) resolve(fail('io_error', 'The connection to the studio was closed.'));
    pending.clear();
    hooks.onClose?.();
  });

  return {
    kind: 'websocket',
    ready,
    async invoke(channel, payload) {
      try {
        await ready;
      } catch (error) {
        return fail('io_error', error instanceof Error ? error.message : String(error));
      }
      if (closed) return fail('io_error', 'The connection to the studio was closed.');
      const id = nextId++;
      return new Promise<Result<unknown>>((resolve) => {
        pending.set(id, resolve);
        send({ t: 'req', id, channel, payload });
      });
    },
    subscribe(event, callback) {
      let set = subscribers.get(event);
      if (!set) {
        set = new Set();
        subscribers.set(event, set);
        void ready.then(() => !closed && send({ t: 'sub', event }), () => undefined);
      }
      set.add(callback);
      return () => {
        set.delete(callback);
        if (set.size === 0) {
          subscribers.delete(event);
          if (!closed && socket.readyState === 1) send({ t: 'unsub', event });
        }
      };
    },
    close() {
      closed = true;
      socket.close();
    },
  };
}
