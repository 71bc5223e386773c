// The window's security settings, the page guards and the saved window state, each checked
// against small fakes of the Electron objects they are handed.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { Rectangle } from 'electron';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { guardWebContents, hardenSession, isAppUrl, requestAllowed, type GuardedContents, type HardenedSession } from '../../electron/shell/guards.js';
import { mainWindowOptions } from '../../electron/shell/window-options.js';
import { DEFAULT_SIZE, placeWindow, readWindowState, trackWindowState, writeWindowState, type TrackedWindow } from '../../electron/shell/window-state.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-window-');
afterAll(() => tmp.cleanup());

describe('window options', () => {
  const options = mainWindowOptions({ preload: '/app/preload.cjs', placement: { width: 1200, height: 800, maximized: false, fullScreen: false }, title: 'Transfer Studio', devTools: false });

  it('isolates the page: context isolation, sandbox, no Node, web security on', () => {
    expect(options.webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      experimentalFeatures: false,
      devTools: false,
    });
  });

  it('centres a window without a saved position and keeps a saved one', () => {
    expect(options).toMatchObject({ center: true, width: 1200, height: 800, show: false });
    expect(options.x).toBeUndefined();
    const placed = mainWindowOptions({ preload: 'p', placement: { x: 10, y: 20, width: 1000, height: 700, maximized: false, fullScreen: false }, title: 't', devTools: true });
    expect(placed).toMatchObject({ x: 10, y: 20, width: 1000, height: 700 });
    expect(placed.center).toBeUndefined();
  });
});

describe('page guards', () => {
  it('knows the app by its origin only', () => {
    expect(isAppUrl('studio://app/index.html')).toBe(true);
    expect(isAppUrl('studio://app/')).toBe(true);
    for (const url of ['studio://media/thumb/1', 'studio://app.evil.com/', 'studio://x@app/', 'file:///app/index.html', 'https://app/', 'http://127.0.0.1/', 'about:blank', 'javascript:alert(1)', '', 'nonsense']) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('lets no request reach the network or the disk', () => {
    for (const url of ['studio://app/assets/x.js', 'studio://media/thumb/3', 'data:image/png;base64,AAAA', 'blob:studio://app/1234', 'devtools://devtools/bundled/x.js']) expect(requestAllowed(url), url).toBe(true);
    for (const url of ['https://example.com/x.js', 'http://127.0.0.1:8080/', 'ws://127.0.0.1:1/ws', 'wss://x', 'file:///etc/passwd', 'ftp://x/y', 'not a url']) expect(requestAllowed(url), url).toBe(false);
  });

  it('denies new windows, navigation away, redirects and webviews', () => {
    const emitter = new EventEmitter();
    let openHandler: ((details: { url: string }) => { action: string }) | null = null;
    const contents = {
      setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
      on: (event: string, listener: (...args: unknown[]) => void) => emitter.on(event, listener),
    };
    guardWebContents(contents as unknown as GuardedContents);
    expect(openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'studio://app/index.html' })).toEqual({ action: 'deny' });

    const navigate = (event: string, url: string) => {
      const e = { url, preventDefault: vi.fn() };
      emitter.emit(event, e);
      return e.preventDefault.mock.calls.length > 0;
    };
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(navigate(event, 'https://example.com/'), event).toBe(true);
      expect(navigate(event, 'file:///etc/passwd'), event).toBe(true);
      expect(navigate(event, 'studio://media/image/1'), event).toBe(true);
      expect(navigate(event, 'studio://app/index.html'), event).toBe(false);
    }
    const webview = { preventDefault: vi.fn() };
    emitter.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('denies every permission but the camera for the app, and cancels remote requests in the session', () => {
    const handlers: Record<string, unknown> = {};
    const session = {
      setPermissionRequestHandler: (h: unknown) => (handlers.request = h),
      setPermissionCheckHandler: (h: unknown) => (handlers.check = h),
      setDevicePermissionHandler: (h: unknown) => (handlers.device = h),
      setDisplayMediaRequestHandler: (h: unknown) => (handlers.display = h),
      webRequest: { onBeforeRequest: (h: unknown) => (handlers.beforeRequest = h) },
    };
    hardenSession(session as unknown as HardenedSession);
    const request = (permission: string, details: Record<string, unknown>) => {
      const callback = vi.fn();
      (handlers.request as (wc: unknown, p: string, cb: (granted: boolean) => void, d: unknown) => void)({}, permission, callback, details);
      expect(callback).toHaveBeenCalledTimes(1);
      return callback.mock.calls[0]![0] as boolean;
    };
    const check = (permission: string, origin: string, details: Record<string, unknown>) =>
      (handlers.check as (wc: unknown, p: string, o: string, d: unknown) => boolean)({}, permission, origin, details);
    const app = { isMainFrame: true, requestingUrl: 'studio://app/index.html' };
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'usb', 'serial', 'midi']) {
      expect(request(permission, app), permission).toBe(false);
      expect(check(permission, 'studio://app', { isMainFrame: true }), permission).toBe(false);
    }
    // The camera, for the app's own page: granted.
    expect(request('media', { ...app, mediaTypes: ['video'], securityOrigin: 'studio://app/' })).toBe(true);
    expect(request('media', { ...app, mediaTypes: ['video'] })).toBe(true);
    expect(check('media', 'studio://app', { isMainFrame: true, mediaType: 'video', securityOrigin: 'studio://app' })).toBe(true);
    // The microphone, alone or with the camera: refused.
    expect(request('media', { ...app, mediaTypes: ['audio'] })).toBe(false);
    expect(request('media', { ...app, mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(check('media', 'studio://app', { isMainFrame: true, mediaType: 'audio' })).toBe(false);
    expect(check('media', 'studio://app', { isMainFrame: true, mediaType: 'unknown' })).toBe(false);
    // The camera for anyone else (the media host, a remote page, a file, a sub-frame): refused.
    for (const where of ['studio://media/x', 'https://example.com/', 'file:///tmp/a.html', 'http://127.0.0.1:8080/', 'studio://app.evil/', 'studio://user@app/']) {
      expect(request('media', { isMainFrame: true, requestingUrl: where, mediaTypes: ['video'] }), where).toBe(false);
      expect(check('media', where, { isMainFrame: true, mediaType: 'video' }), where).toBe(false);
    }
    expect(request('media', { ...app, mediaTypes: ['video'], securityOrigin: 'https://example.com' })).toBe(false);
    expect(request('media', { ...app, isMainFrame: false, mediaTypes: ['video'] })).toBe(false);
    expect(check('media', 'studio://app', { isMainFrame: true, mediaType: 'video', securityOrigin: 'https://example.com' })).toBe(false);
    expect((handlers.device as () => boolean)()).toBe(false);
    expect(handlers.display).toBeNull();
    const decide = (url: string) => {
      const callback = vi.fn();
      (handlers.beforeRequest as (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void)({ url }, callback);
      return callback.mock.calls[0]![0].cancel as boolean;
    };
    expect(decide('https://cdn.example.com/lib.js')).toBe(true);
    expect(decide('studio://app/index.html')).toBe(false);
  });
});

describe('window state', () => {
  const display: Rectangle = { x: 0, y: 0, width: 1920, height: 1040 };
  const second: Rectangle = { x: 1920, y: 0, width: 1280, height: 1000 };

  it('reads a missing, corrupt or out-of-range file as no state', () => {
    const file = path.join(tmp.dir, 'state.json');
    expect(readWindowState(file)).toBeNull();
    for (const content of ['{not json', '[]', 'null', '{"width": "wide", "height": 600}', '{"width": 50, "height": 600}', '{"width": 1e9, "height": 600}', '{"x": 1.5, "y": 0, "width": 800, "height": 600}']) {
      fs.writeFileSync(file, content);
      expect(readWindowState(file), content).toBeNull();
    }
    fs.writeFileSync(file, '{"width": 1000, "height": 700}');
    expect(readWindowState(file)).toEqual({ width: 1000, height: 700, maximized: false, fullScreen: false });
  });

  it('writes atomically and reads back what it wrote', () => {
    const file = path.join(tmp.dir, 'nested', 'state.json');
    writeWindowState(file, { x: 100, y: 50, width: 1280, height: 800, maximized: true, fullScreen: false });
    expect(readWindowState(file)).toEqual({ x: 100, y: 50, width: 1280, height: 800, maximized: true, fullScreen: false });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['state.json']);
  });

  it('places a first window at the default size, centred', () => {
    expect(placeWindow(null, [display])).toEqual({ ...DEFAULT_SIZE, maximized: false, fullScreen: false });
  });

  it('keeps a position on a connected display, on the second display too', () => {
    expect(placeWindow({ x: 100, y: 80, width: 1200, height: 800, maximized: false, fullScreen: false }, [display])).toMatchObject({ x: 100, y: 80 });
    expect(placeWindow({ x: 2000, y: 40, width: 1000, height: 800, maximized: true, fullScreen: false }, [display, second])).toMatchObject({ x: 2000, y: 40, maximized: true });
  });

  it('drops a position no display shows any more (monitor unplugged) and caps the size to the largest display', () => {
    const placed = placeWindow({ x: 2000, y: 40, width: 3000, height: 2000, maximized: false, fullScreen: false }, [display]);
    expect(placed.x).toBeUndefined();
    expect(placed).toMatchObject({ width: 1920, height: 1040 });
    // Only the bottom of the window on screen: the title bar cannot be grabbed.
    expect(placeWindow({ x: 100, y: -700, width: 1000, height: 800, maximized: false, fullScreen: false }, [display]).x).toBeUndefined();
  });

  it('saves the normal bounds on close and after moving stops', async () => {
    const file = path.join(tmp.dir, 'tracked.json');
    const emitter = new EventEmitter();
    let bounds = { x: 10, y: 20, width: 1000, height: 700 };
    const window = {
      on: (event: string, listener: () => void) => emitter.on(event, listener),
      getNormalBounds: () => bounds,
      isMaximized: () => false,
      isFullScreen: () => false,
      isDestroyed: () => false,
    };
    trackWindowState(window as unknown as TrackedWindow, file, 20);
    emitter.emit('move');
    expect(fs.existsSync(file)).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(readWindowState(file)).toMatchObject({ x: 10, y: 20 });
    bounds = { x: 30, y: 40, width: 900, height: 650 };
    emitter.emit('close');
    expect(readWindowState(file)).toEqual({ x: 30, y: 40, width: 900, height: 650, maximized: false, fullScreen: false });
  });
});
