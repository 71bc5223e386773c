// The typed client over the real WebSocket of a serve child, as the browser UI uses it, plus
// a way to wait for jobs through job:finished events.
import WebSocket from 'ws';
import { createClient, type StudioClient } from '../../electron/ipc/client.js';
import type { EventPayload } from '../../electron/ipc/contract.js';
import { connectWebSocket, wsUrl, type WsTransport } from '../../electron/ipc/ws-transport.js';
import type { ServeChild } from './serve-child-handle.js';

export interface WsSession {
  client: StudioClient;
  transport: WsTransport;
  /** Resolves when the job ends (events seen since the session opened count). */
  finished(jobId: string, timeoutMs?: number): Promise<EventPayload<'job:finished'>>;
  close(): void;
}

export async function openWsSession(server: ServeChild): Promise<WsSession> {
  const transport = connectWebSocket(wsUrl(server.origin, server.token), WebSocket);
  await transport.ready;
  const client = createClient(transport);
  const done = new Map<string, EventPayload<'job:finished'>>();
  client.on('job:finished', (event) => done.set(event.jobId, event));
  // The subscription frame goes out before this call, so no job:finished is missed after it.
  await client.invoke('app:info', {});
  return {
    client,
    transport,
    async finished(jobId, timeoutMs = 120_000) {
      const until = Date.now() + timeoutMs;
      while (!done.has(jobId)) {
        if (Date.now() > until) throw new Error(`job ${jobId} did not finish within ${timeoutMs} ms`);
        if (!server.alive()) throw new Error(`the serve child died while job ${jobId} ran: ${server.stderr().slice(-500)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return done.get(jobId)!;
    },
    close: () => transport.close(),
  };
}
