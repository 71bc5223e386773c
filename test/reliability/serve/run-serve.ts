// The serve-mode part: the studio listens on 127.0.0.1 only; a WebSocket without the token,
// with a wrong one or from a foreign Origin is refused, and so is any HTTP request addressed to
// a foreign Host (DNS rebinding). Token-guarded HTTP routes (serve mode's media route) are in
// `protectedRoutes` and are checked without and with a wrong token.
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { wsUrl } from '../../../electron/ipc/ws-transport.js';
import { createProject } from '../../../electron/project/project.js';
import { httpGet } from '../confinement/doors.js';
import type { PartResult } from '../figures.js';
import { startServeChild, type ServeChild } from '../serve-child-handle.js';

/** HTTP paths that answer only with the token; `{token}` is replaced by the token under test. */
export const protectedRoutes: string[] = ['/media/image/1?token={token}', '/media/thumb/1?token={token}'];

/** The status a WebSocket upgrade gets (101 when it opens). */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
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

/** Whether a TCP connection to host:port opens. */
function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** This machine's other addresses (link-local ones with their interface, or they cannot be dialled). */
function otherAddresses(): string[] {
  return Object.entries(os.networkInterfaces()).flatMap(([name, infos]) =>
    (infos ?? []).filter((a) => !a.internal).map((a) => (a.address.startsWith('fe80:') ? `${a.address}%${name}` : a.address)),
  );
}

interface Check {
  what: string;
  expected: string;
  got: string;
}

async function checks(server: ServeChild): Promise<Check[]> {
  const out: Check[] = [];
  const ws = (token: string) => wsUrl(server.origin, token);
  const add = (what: string, expected: string | number | boolean, got: string | number | boolean) => out.push({ what, expected: String(expected), got: String(got) });

  add('listens on 127.0.0.1', true, await connects('127.0.0.1', server.port));
  for (const address of [...otherAddresses(), '::1']) add(`not reachable on ${address}`, false, await connects(address, server.port));

  add('websocket without token', 401, await upgradeStatus(`ws://127.0.0.1:${server.port}/ws`));
  add('websocket with a wrong token', 401, await upgradeStatus(ws('wrong-token')));
  add('websocket with the token plus one character', 401, await upgradeStatus(ws(`${server.token}x`)));
  add('websocket with the token minus one character', 401, await upgradeStatus(ws(server.token.slice(0, -1))));
  add('websocket with the token in another parameter', 401, await upgradeStatus(`ws://127.0.0.1:${server.port}/ws?t=${server.token}`));
  add('websocket with an empty token', 401, await upgradeStatus(ws('')));
  for (const origin of ['http://evil.example', `http://127.0.0.1:${server.port + 1}`, 'null', `http://localhost.evil.example:${server.port}`, `https://127.0.0.1:${server.port}`, 'file://']) {
    add(`websocket with the token from Origin ${origin}`, 403, await upgradeStatus(ws(server.token), { Origin: origin }));
  }
  add('websocket with the token from the page origin', 101, await upgradeStatus(ws(server.token), { Origin: server.origin }));
  add('websocket with the token, no Origin (a non-browser client)', 101, await upgradeStatus(ws(server.token)));

  for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1.nip.io:${server.port}`, `127.0.0.1:${server.port + 1}`]) {
    add(`HTTP with Host ${host} (DNS rebinding)`, 421, (await httpGet(server, '/', { Host: host })).status);
  }
  const page = await httpGet(server, '/');
  add('HTTP page from 127.0.0.1', 200, page.status);
  for (const route of protectedRoutes) {
    add(`${route} without token`, 401, (await httpGet(server, route.replace(/[?&]token=\{token\}/, ''))).status);
    add(`${route} with a wrong token`, 401, (await httpGet(server, route.replace('{token}', 'wrong'))).status);
  }
  return out;
}

export async function runServePart(options: { dir: string; rendererDir: string }): Promise<Omit<PartResult, 'part' | 'seconds'>> {
  const projectDir = path.join(options.dir, 'serve-project');
  createProject(projectDir).close();
  const server = await startServeChild({ projectDir, modelCache: null, rendererDir: options.rendererDir });
  let results: Check[];
  try {
    results = await checks(server);
  } finally {
    await server.stop();
  }
  const failed = results.filter((c) => c.expected !== c.got);
  return {
    ok: failed.length === 0,
    figures: { serve_checks: results.length, serve_failed: failed.length },
    summary: `checks ${results.length} (loopback only, token, Origin, Host) · failed ${failed.length}`,
    failures: failed.map((c) => `${c.what}: expected ${c.expected}, got ${c.got}`),
  };
}
