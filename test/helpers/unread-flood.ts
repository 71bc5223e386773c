// A client that sends requests and never reads the answers (its socket is paused), against a
// serve child; samples the child's peak resident memory (VmHWM) meanwhile. Shared by the
// backpressure test and the reliability part.
import fs from 'node:fs';
import WebSocket from 'ws';
import { wsUrl } from '../../electron/ipc/ws-transport.js';

export function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

export interface FloodResult {
  baselineMb: number;
  /** Peak while the client did not read. */
  peakMb: number;
  /** Peak once it read again (answers flowing at full speed). */
  readingPeakMb: number;
  /** Answers received once the client read again. */
  answered: number;
  /** Another connection was answered while this one did not read. */
  othersAnswered: boolean;
}

/** One request on a fresh connection: does the server still answer others? */
async function answersOthers(server: { origin: string; token: string }): Promise<boolean> {
  const socket = new WebSocket(wsUrl(server.origin, server.token));
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 30_000);
      socket.once('open', () => socket.send(JSON.stringify({ t: 'req', id: 1, channel: 'app:info', payload: {} })));
      socket.once('message', () => {
        clearTimeout(timer);
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  } finally {
    socket.terminate();
  }
}

/**
 * Sends `requests` images:page requests without reading and holds `holdMs`, checking that
 * another connection is still answered; then reads again until `readBack` answers arrived.
 */
export async function floodWithoutReading(server: { origin: string; token: string; pid: number }, requests: number, holdMs: number, readBack = requests): Promise<FloodResult> {
  const baselineMb = peakRssMb(server.pid);
  const socket = new WebSocket(wsUrl(server.origin, server.token), { maxPayload: 64 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.pause();
  let answered = 0;
  socket.on('message', () => answered++);
  socket.on('error', () => undefined);
  const frame = (id: number) => JSON.stringify({ t: 'req', id, channel: 'images:page', payload: { offset: 0, limit: 1000 } });
  for (let id = 1; id <= requests; id++) {
    socket.send(frame(id));
    // Let the client's own buffer drain into the socket now and then.
    if (id % 500 === 0) await new Promise((r) => setImmediate(r));
  }
  let peakMb = baselineMb;
  const othersAnswered = await answersOthers(server);
  const until = Date.now() + holdMs;
  while (Date.now() < until) {
    peakMb = Math.max(peakMb, peakRssMb(server.pid));
    await new Promise((r) => setTimeout(r, 200));
  }
  socket.resume();
  let readingPeakMb = peakMb;
  const readUntil = Date.now() + Math.max(30_000, holdMs * 4);
  while (answered < readBack && socket.readyState === socket.OPEN && Date.now() < readUntil) {
    readingPeakMb = Math.max(readingPeakMb, peakRssMb(server.pid));
    await new Promise((r) => setTimeout(r, 100));
  }
  socket.terminate();
  return { baselineMb, peakMb, readingPeakMb, answered, othersAnswered };
}
