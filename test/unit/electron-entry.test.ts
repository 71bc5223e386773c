// main.ts and preload.ts, the two files that import Electron at run time, loaded with the
// 'electron' module replaced by the fake: main hands Electron and the built layout to the
// desktop wiring; the preload exposes the contract's transport and the media base, nothing else.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../electron/ipc/electron-names.js';
import type { Transport } from '../../electron/ipc/client.js';
import { createFakeElectron } from '../helpers/fake-electron.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-entry-');
const fake = createFakeElectron({ userData: tmp.dir });
vi.mock('electron', () => fake.electron);
afterAll(() => tmp.cleanup());

describe('main.ts', () => {
  it('starts the desktop with the preload and renderer beside it and the app icon', async () => {
    await import('../../electron/main.js');
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
    const options = fake.windows[0]!.options as { icon: string; webPreferences: { preload: string } };
    const here = path.resolve(import.meta.dirname, '../../electron');
    expect(options.webPreferences.preload).toBe(path.join(here, 'preload.cjs'));
    expect(fs.existsSync(options.icon)).toBe(true);
    expect(fake.protocolHandlers.has('studio')).toBe(true);
    expect(fake.ipcHandlers.has(INVOKE_CHANNEL)).toBe(true);
    fake.electron.app.quit();
    await vi.waitFor(() => expect(fake.electron.app.exited).toBe(true));
  });
});

describe('preload.ts', () => {
  it('exposes exactly the transport, the media base and the path of a dropped file', async () => {
    await import('../../electron/preload.js');
    expect([...fake.exposed.keys()]).toEqual(['studioTransport', 'studioMediaBase', 'studioFilePath']);
    expect((fake.exposed.get('studioFilePath') as (f: unknown) => string)({ path: '/home/ann/cat.jpg' })).toBe('/home/ann/cat.jpg');
    expect(fake.exposed.get('studioMediaBase')).toBe('studio://media');
    const transport = fake.exposed.get('studioTransport') as Transport;
    expect(transport.kind).toBe('electron');
    expect(Object.keys(transport).sort()).toEqual(['invoke', 'kind', 'subscribe']);

    await transport.invoke('labels:undo', {});
    expect(fake.rendererInvokes).toEqual([[INVOKE_CHANNEL, 'labels:undo', {}]]);

    const heard: unknown[] = [];
    const stop = transport.subscribe('labels:changed', (payload) => heard.push(payload));
    const deliver = fake.rendererListeners.get(EVENT_CHANNEL)!;
    deliver({}, 'labels:changed', { changed: 1 });
    deliver({}, 'job:progress', { jobId: 'x' });
    deliver({}, 42, { ignored: true });
    stop();
    deliver({}, 'labels:changed', { changed: 2 });
    expect(heard).toEqual([{ changed: 1 }]);
  });
});
