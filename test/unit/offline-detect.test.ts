// Which failed downloads say "This computer seems to be offline": no DNS, no route, a connect
// timeout, a refused connection to a remote host; not a local server that is down, not HTTP errors.
import { describe, expect, it } from 'vitest';
import { isOfflineMessage, looksOffline, offlineMessage } from '../../electron/engine/backbones/offline.js';

const fetchError = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`connect ${code}`), { code }) });
const REMOTE = 'https://storage.googleapis.com/x/model.json';

describe('looksOffline', () => {
  it('recognises DNS failures, no route and timeouts as offline', () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']) expect(looksOffline(fetchError(code), REMOTE), code).toBe(true);
  });

  it('counts a refused connection as offline only for a remote host', () => {
    expect(looksOffline(fetchError('ECONNREFUSED'), REMOTE)).toBe(true);
    expect(looksOffline(fetchError('ECONNREFUSED'), 'http://127.0.0.1:9/model.json')).toBe(false);
    expect(looksOffline(fetchError('ECONNREFUSED'), 'http://localhost:9/model.json')).toBe(false);
  });

  it('reads the code inside an AggregateError (one error per address tried)', () => {
    const aggregate = Object.assign(new TypeError('fetch failed'), { cause: new AggregateError([Object.assign(new Error('x'), { code: 'ENETUNREACH' })]) });
    expect(looksOffline(aggregate, REMOTE)).toBe(true);
  });

  it('does not call other failures offline', () => {
    expect(looksOffline(fetchError('ECONNRESET'), REMOTE)).toBe(false);
    expect(looksOffline(new Error('HTTP 404'), REMOTE)).toBe(false);
    expect(looksOffline(null, REMOTE)).toBe(false);
  });

  it('words the message so the page can recognise it and say what to do', () => {
    const message = offlineMessage('MobileNetV2 1.0');
    expect(isOfflineMessage(message)).toBe(true);
    expect(message).toMatch(/^This computer seems to be offline: MobileNetV2 1\.0 could not be downloaded\. Use the backbone that ships with the studio, or import a model folder/);
    expect(isOfflineMessage('Could not download X. HTTP 500')).toBe(false);
    expect(isOfflineMessage(undefined)).toBe(false);
  });
});
