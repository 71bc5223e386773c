// Preloaded (node --import) into a server process: every outbound connection attempt and every
// DNS lookup of a name that is not this machine is appended to $STUDIO_NET_ATTEMPTS_FILE, so an
// offline test can say how many there were (and to where). Connections to loopback and local
// sockets are the studio talking to its own page and are not counted.
import dns from 'node:dns';
import fs from 'node:fs';
import net from 'node:net';

const file = process.env.STUDIO_NET_ATTEMPTS_FILE;
const LOCAL = /^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\]|0\.0\.0\.0|::)$/;

function record(kind: string, target: string): void {
  if (file) fs.appendFileSync(file, `${JSON.stringify({ kind, target, at: Date.now() })}\n`);
}

const connect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  const first = args[0];
  const options = (Array.isArray(first) ? first[0] : first) as { host?: string; port?: number; path?: string } | number | string;
  let host: string | undefined;
  if (typeof options === 'object' && options !== null) host = options.path ? undefined : (options.host ?? 'localhost');
  else if (typeof options === 'number') host = typeof args[1] === 'string' ? args[1] : 'localhost';
  if (host !== undefined && !LOCAL.test(host)) record('connect', `${host}:${typeof options === 'object' ? options.port : options}`);
  return connect.apply(this, args);
} as typeof net.Socket.prototype.connect;

const lookup = dns.lookup;
(dns as { lookup: unknown }).lookup = function (hostname: string, ...rest: unknown[]) {
  if (!LOCAL.test(hostname)) record('dns', hostname);
  return (lookup as (...a: unknown[]) => unknown)(hostname, ...rest);
};
const lookupPromise = dns.promises.lookup;
(dns.promises as { lookup: unknown }).lookup = function (hostname: string, ...rest: unknown[]) {
  if (!LOCAL.test(hostname)) record('dns', hostname);
  return (lookupPromise as (...a: unknown[]) => unknown)(hostname, ...rest);
};
