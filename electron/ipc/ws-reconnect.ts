// The page's connection to a serve-mode studio, kept honest: it says "disconnected" as soon as
// the socket closes or the heartbeat stops (HEARTBEAT_TIMEOUT_MS), keeps trying to reconnect,
// and on reconnecting re-subscribes every event so the page's listeners keep working. Requests
// made while disconnected fail at once with io_error (they are not queued: the page disables
// its actions and reloads its state when the connection comes back).
import type { Transport } from './client.js';
import { fail } from '../domain/result.js';
import { HEARTBEAT_TIMEOUT_MS } from './ws-protocol.js';
import { connectWebSocket, type SocketClass, type WsTransport } from './ws-transport.js';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface ConnectionStatus {
  state: ConnectionState;
  /** When the current state began (ms since epoch). */
  since: number;
  /** Connections made so far; a page reloads its state when this grows past 1. */
  generation: number;
}

export interface ReconnectingTransport extends Transport {
  status(): ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  close(): void;
}

export interface ReconnectOptions {
  heartbeatTimeoutMs?: number;
  /** Pause between attempts while disconnected. */
  retryMs?: number;
}

export function connectWithReconnect(url: string, Socket: SocketClass, options: ReconnectOptions = {}): ReconnectingTransport {
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS;
  const retryMs = options.retryMs ?? 1000;
  const listeners = new Set<(status: ConnectionStatus) => void>();
  const subscribers = new Map<string, Set<(payload: unknown) => void>>();
  let status: ConnectionStatus = { state: 'connecting', since: Date.now(), generation: 0 };
  let current: WsTransport | null = null;
  /**
   * The connection whose subscriptions are in place. A page subscribes between the socket being
   * ready and "connected" (the app:info round trip) too: such an event must be subscribed at once,
   * or it would stay silent until the next reconnection.
   */
  let subscribed: WsTransport | null = null;
  /** Unsubscribe functions of the current connection, one per event. */
  let innerSubs = new Map<string, () => void>();
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const setState = (state: ConnectionState, generation = status.generation) => {
    if (state === status.state && generation === status.generation) return;
    status = { state, since: Date.now(), generation };
    for (const listener of listeners) listener(status);
  };

  const forward = (event: string) => (payload: unknown) => {
    for (const callback of subscribers.get(event) ?? []) callback(payload);
  };

  const dropped = (transport: WsTransport) => {
    if (transport !== current) return;
    clearTimeout(watchdog);
    current = null;
    subscribed = null;
    innerSubs = new Map();
    transport.close();
    if (stopped) return;
    setState('disconnected');
    clearTimeout(retry);
    retry = setTimeout(open, retryMs);
  };

  const alive = (transport: WsTransport) => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => dropped(transport), heartbeatTimeoutMs);
  };

  function open(): void {
    if (stopped) return;
    let transport: WsTransport;
    const hooks = { onActivity: () => alive(transport), onClose: () => dropped(transport) };
    transport = connectWebSocket(url, Socket, hooks);
    current = transport;
    alive(transport);
    transport.ready.then(
      () => {
        if (transport !== current) return;
        for (const event of subscribers.keys()) innerSubs.set(event, transport.subscribe(event, forward(event)));
        subscribed = transport;
        // Frames are handled in order: once a request sent after the subscriptions is answered,
        // they are in place, so "connected" means events are flowing again.
        void transport.invoke('app:info', {}).then(() => {
          if (transport === current) setState('connected', status.generation + 1);
        });
      },
      () => dropped(transport),
    );
  }
  open();

  return {
    kind: 'websocket',
    async invoke(channel, payload) {
      if (!current || status.state !== 'connected') {
        // The first connection may still be opening: wait for it rather than fail the page's first call.
        if (current && status.generation === 0) return current.invoke(channel, payload);
        return fail('io_error', 'The connection to the studio was closed.');
      }
      return current.invoke(channel, payload);
    },
    subscribe(event, callback) {
      let set = subscribers.get(event);
      if (!set) {
        set = new Set();
        subscribers.set(event, set);
        if (current && subscribed === current) innerSubs.set(event, current.subscribe(event, forward(event)));
      }
      set.add(callback);
      return () => {
        set.delete(callback);
        if (set.size === 0) {
          subscribers.delete(event);
          innerSubs.get(event)?.();
          innerSubs.delete(event);
        }
      };
    },
    status: () => status,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      stopped = true;
      clearTimeout(watchdog);
      clearTimeout(retry);
      current?.close();
      current = null;
    },
  };
}
