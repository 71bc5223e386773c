// The WebSocket transport: the token is required, the Origin is checked, calls round-trip
// through the same handler table, and events reach the clients subscribed to them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type StudioClient } from '../../electron/ipc/client.js';
import { connectWebSocket, wsUrl, type WsTransport } from '../../electron/ipc/ws-transport.js';
import { startServer, type RunningServer } from '../../electron/server/serve.js';
import { seedImages } from '../helpers/seed.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir();
let server: RunningServer;
const transports: WsTransport[] = [];

function connect(url = wsUrl(server.origin, server.token)): { transport: WsTransport; client: StudioClient } {
  const transport = connectWebSocket(url, WebSocket);
  transports.push(transport);
  return { transport, client: createClient(transport) };
}

/** The HTTP status a raw upgrade attempt gets, or 101 when the socket opens. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('error', () => resolve(0));
  });
}

beforeAll(async () => {
  server = await startServer({ rendererDir: tmp.dir });
});
afterAll(async () => {
  for (const t of transports) t.close();
  await server.close();
  tmp.cleanup();
});

describe('websocket transport', () => {
  it('listens on loopback only', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses a connection without the token or with a wrong one', async () => {
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/ws`)).toBe(401);
    expect(await upgradeStatus(wsUrl(server.origin, 'wrong-token'))).toBe(401);
    expect(await upgradeStatus(wsUrl(server.origin, `${server.token}x`))).toBe(401);
    const { client } = connect(wsUrl(server.origin, 'wrong-token'));
    await expect(client.invoke('app:info', {})).rejects.toMatchObject({ code: 'io_error' });
  });

  it('refuses a browser page from another origin even with the token', async () => {
    const url = wsUrl(server.origin, server.token);
    expect(await upgradeStatus(url, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(url, { Origin: `http://127.0.0.1:${server.port + 1}` })).toBe(403);
    expect(await upgradeStatus(url, { Origin: server.origin })).toBe(101);
  });

  it('round-trips a call with the token', async () => {
    const { client } = connect();
    const info = await client.invoke('app:info', {});
    expect(info).toMatchObject({ name: 'Transfer Studio', transport: 'websocket' });
  });

  it('returns typed errors for invalid payloads and unknown channels over the wire', async () => {
    const { transport } = connect();
    expect(await transport.invoke('labels:set', { imageIds: 'all', classId: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await transport.invoke('fs:readFile', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(await transport.invoke('project:summary', {})).toMatchObject({ ok: false, error: { code: 'no_project' } });
  });

  it('answers malformed frames with an error and keeps the connection', async () => {
    const raw = new WebSocket(wsUrl(server.origin, server.token));
    await new Promise((resolve) => raw.on('open', resolve));
    const replies: unknown[] = [];
    // Heartbeats ({ t: 'beat' }) come every second whatever the client sends; only replies count here.
    raw.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { t: string };
      if (frame.t !== 'beat') replies.push(frame);
    });
    raw.send('{not json');
    raw.send(JSON.stringify({ t: 'req', id: 'x', channel: 'app:info' }));
    raw.send(Buffer.from([1, 2, 3]), { binary: true });
    raw.send(JSON.stringify({ t: 'req', id: 7, channel: 'app:info', payload: {} }));
    await expect.poll(() => replies.length).toBe(4);
    expect(replies.slice(0, 3)).toEqual(Array(3).fill(expect.objectContaining({ t: 'res', id: null, result: expect.objectContaining({ ok: false }) })));
    expect(replies[3]).toMatchObject({ t: 'res', id: 7, result: { ok: true } });
    raw.close();
  });

  it('sends a heartbeat to every client', async () => {
    const raw = new WebSocket(wsUrl(server.origin, server.token));
    const beats: unknown[] = [];
    raw.on('message', (data) => (JSON.parse(data.toString()) as { t: string }).t === 'beat' && beats.push(1));
    await expect.poll(() => beats.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    raw.close();
  });

  it('delivers events to subscribed clients only', async () => {
    const actor = connect().client;
    const listener = connect().client;
    const bystander = connect();
    const received: number[] = [];
    const bystanderGot: unknown[] = [];
    listener.on('labels:changed', (change) => received.push(...change.imageIds));
    bystander.transport.subscribe('job:progress', (p) => bystanderGot.push(p));

    await actor.invoke('project:create', { path: `${tmp.dir}/events` });
    const ids = seedImages(server.studio.session.requireProject().db, 3);
    const ant = await actor.invoke('classes:create', { name: 'ant' });
    await listener.invoke('app:info', {}); // the subscription frame is sent before this call
    const change = await actor.invoke('labels:set', { imageIds: ids, classId: ant.id });
    expect(change.changed).toBe(3);
    await expect.poll(() => received).toEqual(ids);
    expect(bystanderGot).toEqual([]);

    await actor.invoke('labels:undo', {});
    await expect.poll(() => received.length).toBe(6);
  });
});
