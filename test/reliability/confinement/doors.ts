// Every way the renderer can ask the main side for bytes, as a "door" the confinement part
// tries to walk out of the project through. Adding a door (serve mode's /media route, the
// Electron studio:// protocols, an export download) is one entry in `confinementDoors`.
import http from 'node:http';
import type { RequestChannel } from '../../../electron/ipc/contract.js';
import type { ServeChild } from '../serve-child-handle.js';
import type { WsSession } from '../ws-client.js';

export interface Attack {
  /** What the attack tries, e.g. "symlink inside the project". */
  label: string;
  /** The string handed to the door (a path, a URL path, an id). */
  form: string;
}

export interface DoorEnv {
  server: ServeChild;
  session: WsSession;
  projectDir: string;
  secretDir: string;
}

export interface ConfinementDoor {
  name: string;
  /** Attack strings this door takes (path-like doors get the path attacks, id doors ids, URL doors URL paths). */
  takes: 'path' | 'url' | 'id';
  /** Sends one attack; returns everything the caller got back, as text, for the leak check. */
  read(attack: Attack, env: DoorEnv): Promise<string>;
}

/** A contract channel with the attack placed where the payload names a path (or an id). */
export function channelDoor(channel: RequestChannel, payload: (form: string) => unknown, takes: 'path' | 'id' = 'path'): ConfinementDoor {
  return {
    name: `ws ${channel}`,
    takes,
    async read(attack, env) {
      const result = await env.session.transport.invoke(channel, payload(attack.form));
      return JSON.stringify(result);
    },
  };
}

/** A raw HTTP GET on the serve child, the URL path sent byte for byte (no client-side normalising). */
export function httpGet(server: ServeChild, urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: urlPath, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** An HTTP route of serve mode; `url` turns an attack into the request path (token included if the route wants it). */
export function httpDoor(name: string, url: (attack: Attack, env: DoorEnv) => string, takes: ConfinementDoor['takes'] = 'url'): ConfinementDoor {
  return {
    name,
    takes,
    async read(attack, env) {
      const { status, body } = await httpGet(env.server, url(attack, env));
      return `${status} ${body.toString('latin1')}`;
    },
  };
}

/**
 * Doors added by other parts of the app: serve mode's token-guarded media route, by id and with
 * the URL attacks appended after its prefix (the Electron studio:// protocols resolve through the
 * same services/media.ts, which is what these reach).
 */
export const extraDoors: ConfinementDoor[] = [
  httpDoor('serve /media/image by id', (a, env) => `/media/image/${a.form}?token=${env.server.token}`, 'id'),
  httpDoor('serve /media/thumb by id', (a, env) => `/media/thumb/${a.form}?token=${env.server.token}`, 'id'),
  httpDoor('serve /media with URL paths', (a, env) => `/media/image${a.form.startsWith('/') ? '' : '/'}${a.form}?token=${env.server.token}`),
];
