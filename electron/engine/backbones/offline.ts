// Telling "this computer is offline" apart from "that server has a problem": a failed download
// whose cause is a DNS failure, no route, a refused connection to a remote host or a connect
// timeout says so in plain words, with what to do instead (the shipped backbone, a folder).
// The renderer recognises the message by domain/offline-message.ts.
import { OFFLINE_MESSAGE } from '../../domain/offline-message.js';

export { OFFLINE_MESSAGE, isOfflineMessage } from '../../domain/offline-message.js';

const OFFLINE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNREFUSED']);

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

function codeOf(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    // AggregateError (happy eyeballs: one error per address tried).
    const inner = (e as { errors?: unknown[] }).errors?.[0];
    if (inner && typeof (inner as { code?: unknown }).code === 'string') return (inner as { code: string }).code;
  }
  return null;
}

/** True when a fetch of `url` failed in a way that means no network, not a broken server. */
export function looksOffline(error: unknown, url: string): boolean {
  const code = codeOf(error);
  if (!code || !OFFLINE_CODES.has(code)) return false;
  // A refused connection on this machine is a local server that is down, not a missing network.
  if (code === 'ECONNREFUSED') {
    try {
      return !LOCAL_HOSTS.has(new URL(url).hostname);
    } catch {
      return false;
    }
  }
  return true;
}

export function offlineMessage(what: string): string {
  return `${OFFLINE_MESSAGE}: ${what} could not be downloaded. Use the backbone that ships with the studio, or import a model folder from disk (Backbones).`;
}
