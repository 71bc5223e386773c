// The desktop app's start-up and life cycle against a fake of Electron (no binary exists on
// our CI): what it registers before and after ready, the window it opens, the protocols it
// serves, the IPC it trusts, the menu, the dialogs, a second launch and a quit during a job.
import fs from 'node:fs';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOKE_CHANNEL, EVENT_CHANNEL } from '../../electron/ipc/electron-names.js';
import type { Result } from '../../electron/domain/result.js';
import { startDesktop, type Desktop, type ElectronApi } from '../../electron/shell/desktop.js';
import { WINDOW_STATE_FILE } from '../../electron/shell/window-state.js';
import { createFakeElectron, preventable, type FakeElectron } from '../helpers/fake-electron.js';
import { writeSyntheticDataset } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-desktop-');
const userData = path.join(tmp.dir, 'user-data');
const renderer = path.join(tmp.dir, 'renderer');
const projectDir = path.join(tmp.dir, 'project');
const images = path.join(tmp.dir, 'images');

beforeAll(async () => {
  fs.mkdirSync(renderer, { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
  fs.mkdirSync(userData, { recursive: true });
  fs.writeFileSync(path.join(userData, WINDOW_STATE_FILE), JSON.stringify({ x: 40, y: 30, width: 1300, height: 850, maximized: true }));
  await writeSyntheticDataset(images, 4, ['ant', 'bee']);
});
afterAll(() => tmp.cleanup());

function start(fake: FakeElectron, argv: string[] = ['electron', 'main.js']): Desktop | null {
  return startDesktop(fake.electron as unknown as ElectronApi, { rendererDir: renderer, preload: '/app/dist/electron/preload.cjs', argv, cwd: tmp.dir });
}

async function invoke(fake: FakeElectron, channel: string, payload: unknown, senderUrl = 'studio://app/index.html'): Promise<Result<unknown>> {
  const handler = fake.ipcHandlers.get(INVOKE_CHANNEL)!;
  return (await handler({ senderFrame: { url: senderUrl } }, channel, payload)) as Result<unknown>;
}

function fileMenu(fake: FakeElectron): MenuItemConstructorOptions[] {
  return fake.menus.at(-1)!.find((m) => m.label === '&File')!.submenu as MenuItemConstructorOptions[];
}

describe('desktop shell with a fake Electron', () => {
  it('quits at once when another instance holds the lock', () => {
    const fake = createFakeElectron({ userData, lock: false });
    expect(start(fake)).toBeNull();
    expect(fake.electron.app.quitCalls).toBe(1);
    expect(fake.windows).toHaveLength(0);
    // The scheme is still registered before ready, as Electron requires.
    expect(fake.privileged).toHaveLength(1);
  });

  describe('a running app', () => {
    const fake = createFakeElectron({ userData, openPaths: [images], savePath: projectDir, messageBoxResponse: 0 });
    let desktop: Desktop;

    beforeAll(async () => {
      desktop = start(fake)!;
      await desktop.ready;
    });
    afterAll(async () => {
      if (!fake.electron.app.exited) await desktop.studio.close();
    });

    it('registers studio:// as a standard, secure scheme before ready', () => {
      expect(fake.privileged).toEqual([{ scheme: 'studio', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
    });

    it('opens one isolated, sandboxed window where it was last time, on the app URL', async () => {
      expect(fake.windows).toHaveLength(1);
      const window = fake.windows[0]!;
      expect(window.options).toMatchObject({ x: 40, y: 30, width: 1300, height: 850, show: false });
      expect(window.options.webPreferences).toMatchObject({ preload: '/app/dist/electron/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
      expect(window.maximized).toBe(true);
      expect(window.loaded).toEqual(['studio://app/index.html']);
      await new Promise((r) => setImmediate(r));
      expect(window.shown).toBe(true);
    });

    it('guards every web contents and hardens the session', () => {
      const contents = fake.windows[0]!.webContents;
      expect(contents.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
      const away = preventable({ url: 'https://example.com/' });
      contents.emit('will-navigate', away);
      expect(away.prevented).toBe(true);
      const ask = (permission: string, details: Record<string, unknown>) => {
        let granted: boolean | null = null;
        (fake.sessionHandlers.request as (wc: unknown, p: string, cb: (g: boolean) => void, d: unknown) => void)({}, permission, (g) => (granted = g), details);
        return granted;
      };
      const page = { isMainFrame: true, requestingUrl: 'studio://app/index.html' };
      // The camera for the app's own page only; the microphone and everything else stay denied.
      expect(ask('media', { ...page, mediaTypes: ['video'] })).toBe(true);
      expect(ask('media', { ...page, mediaTypes: ['audio'] })).toBe(false);
      expect(ask('media', { ...page, mediaTypes: ['video', 'audio'] })).toBe(false);
      expect(ask('media', { isMainFrame: true, requestingUrl: 'https://example.com/', mediaTypes: ['video'] })).toBe(false);
      expect(ask('geolocation', page)).toBe(false);
      expect(ask('notifications', page)).toBe(false);
      const check = fake.sessionHandlers.check as (wc: unknown, p: string, o: string, d: unknown) => boolean;
      expect(check({}, 'media', 'studio://app', { isMainFrame: true, mediaType: 'video' })).toBe(true);
      expect(check({}, 'media', 'studio://app', { isMainFrame: true, mediaType: 'audio' })).toBe(false);
      expect(check({}, 'clipboard-read', 'studio://app', { isMainFrame: true })).toBe(false);
    });

    it('serves the renderer with the desktop CSP on studio://app', async () => {
      const handler = fake.protocolHandlers.get('studio')!;
      const page = await handler(new Request('studio://app/index.html'));
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'.*img-src 'self' data: blob: studio:\/\/media/);
      expect((await handler(new Request('studio://app/../../etc/passwd'))).status).toBe(404);
    });

    it('answers the contract over IPC for the app page only', async () => {
      expect(await invoke(fake, 'app:info', {})).toMatchObject({ ok: true, value: { transport: 'electron' } });
      for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'studio://media/thumb/1', '']) {
        expect(await invoke(fake, 'app:info', {}, url), url).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      }
    });

    it('answers the native dialog channels with Electron dialogs', async () => {
      expect(await invoke(fake, 'dialog:openFolder', { title: 'Pick' })).toEqual({ ok: true, value: { path: images } });
      expect(await invoke(fake, 'dialog:saveFolder', {})).toEqual({ ok: true, value: { path: projectDir } });
      expect(await invoke(fake, 'dialog:openFile', { filter: 'csv' })).toEqual({ ok: true, value: { paths: [images] } });
      const csv = fake.dialogCalls.filter((c) => c.kind === 'open').at(-1)!.options;
      expect(csv.filters).toEqual([{ name: 'CSV (path,label)', extensions: ['csv'] }, { name: 'All files', extensions: ['*'] }]);
    });

    it('builds the menu, and rebuilds it when a project opens (from the menu itself)', async () => {
      const before = fake.menus.length;
      expect(fileMenu(fake).find((i) => i.id === 'import-folder')!.enabled).toBe(false);
      (fileMenu(fake).find((i) => i.id === 'new-project')!.click as () => void)();
      await expect.poll(() => desktop.studio.session.project?.dir).toBe(projectDir);
      await expect.poll(() => fake.menus.length).toBeGreaterThan(before);
      expect(fileMenu(fake).find((i) => i.id === 'import-folder')!.enabled).toBe(true);
      // The page heard about it over the event channel.
      expect(fake.windows[0]!.webContents.sent.some(([channel, event]) => channel === EVENT_CHANNEL && event === 'project:changed')).toBe(true);
    });

    it('serves thumbnails of the open project by image id on studio://media', async () => {
      (fileMenu(fake).find((i) => i.id === 'import-folder')!.click as () => void)();
      await expect.poll(() => desktop.studio.session.project!.db.prepare('SELECT count(*) FROM images').pluck().get(), { timeout: 20_000 }).toBe(4);
      await expect.poll(() => desktop.studio.jobs.list().length, { timeout: 20_000 }).toBe(0);
      const handler = fake.protocolHandlers.get('studio')!;
      const thumb = await handler(new Request('studio://media/thumb/1'));
      expect(thumb.status).toBe(200);
      expect(thumb.headers.get('content-type')).toBe('image/webp');
      const image = await handler(new Request('studio://media/image/2'));
      expect(image.headers.get('content-type')).toBe('image/jpeg');
      expect((await handler(new Request('studio://media/thumb/999'))).status).toBe(404);
    });

    it('a second launch focuses the window and opens the project it names', async () => {
      await desktop.studio.dispatch('project:close', {}, { transport: 'in-process' });
      fake.windows[0]!.minimized = true;
      fake.electron.app.emit('second-instance', preventable(), ['transfer-studio', '--some-flag', projectDir], tmp.dir);
      expect(fake.windows[0]!.minimized).toBe(false);
      expect(fake.windows[0]!.focused).toBeGreaterThan(0);
      await expect.poll(() => desktop.studio.session.project?.dir).toBe(projectDir);
    });

    it('asks before quitting during a job, then cancels it, closes the project and exits', async () => {
      const { done } = desktop.studio.jobs.start('train', (job) => new Promise((_resolve, reject) => job.signal.addEventListener('abort', () => setTimeout(() => reject(new Error('stopped')), 50))));
      fake.electron.app.quit();
      await expect.poll(() => fake.electron.app.exited, { timeout: 10_000 }).toBe(true);
      const question = fake.dialogCalls.find((c) => c.kind === 'message')!.options;
      expect(question.message).toBe('A training run is still running.');
      await expect(done).rejects.toThrow();
      expect(desktop.studio.jobs.list()).toEqual([]);
      expect(desktop.studio.session.project).toBeNull();
      expect(desktop.guard.state).toBe('stopped');
      // The window's place was saved as it closed.
      expect(JSON.parse(fs.readFileSync(path.join(userData, WINDOW_STATE_FILE), 'utf8'))).toMatchObject({ width: 1300, height: 850, maximized: true });
    });
  });

  it('keeps working when the user declines to quit during a job', async () => {
    const fake = createFakeElectron({ userData, messageBoxResponse: 1 });
    const desktop = start(fake)!;
    await desktop.ready;
    const { jobId, done } = desktop.studio.jobs.start('import', (job) => new Promise((resolve) => job.signal.addEventListener('abort', () => resolve(null))));
    expect(fake.windows[0]!.close()).toBe(false);
    await expect.poll(() => fake.dialogCalls.filter((c) => c.kind === 'message').length).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.electron.app.exited).toBe(false);
    expect(desktop.studio.jobs.list().map((j) => j.jobId)).toEqual([jobId]);
    desktop.studio.jobs.cancel(jobId);
    await done;
    await desktop.studio.close();
  });

  it('opens the project named on the command line', async () => {
    const fake = createFakeElectron({ userData });
    const desktop = start(fake, ['/opt/Transfer Studio/transfer-studio', projectDir])!;
    await desktop.ready;
    await expect.poll(() => desktop.studio.session.project?.dir).toBe(projectDir);
    await desktop.studio.close();
  });
});
