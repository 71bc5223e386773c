// Issue 16, the studio's side: the file browser, one job per intent (client keys), imports that
// never leave an empty class, class deletion undone by the label undo, the class and split
// findings of the health check, the serve-mode upload route and the WebSocket heartbeat with
// reconnection.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from '../../electron/ipc/client.js';
import { connectWithReconnect, type ConnectionStatus } from '../../electron/ipc/ws-reconnect.js';
import { wsUrl } from '../../electron/ipc/ws-transport.js';
import { startServer, type RunningServer } from '../../electron/server/serve.js';
import { watchJobs, invoke } from '../helpers/studio-jobs.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { writeSyntheticDataset, writeSyntheticJpeg } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir();
let server: RunningServer;
let jobs: ReturnType<typeof watchJobs>;
const projectDir = path.join(tmp.dir, 'project');

type Classes = Array<{ id: number; name: string; shortcut: number | null }>;
const classes = () => invoke<Classes>(server.studio, 'classes:list', {});
const dispatch = (channel: string, payload: unknown) => server.studio.dispatch(channel, payload, { transport: 'in-process' });

beforeAll(async () => {
  server = await startServer({ rendererDir: tmp.dir });
  jobs = watchJobs(server.studio);
  await invoke(server.studio, 'project:create', { path: projectDir });
});
afterAll(async () => {
  jobs.stop();
  await server.close();
  tmp.cleanup();
});

describe('file browser', () => {
  it('lists folders and, when asked, supported images only, hidden entries left out', async () => {
    const root = path.join(tmp.dir, 'browse');
    await writeSyntheticJpeg(path.join(root, 'cats', 'a.jpg'), 1);
    fs.writeFileSync(path.join(root, 'notes.txt'), 'hello');
    fs.writeFileSync(path.join(root, 'b.PNG'), 'not really');
    fs.writeFileSync(path.join(root, 'labels.csv'), 'path,label\n');
    fs.mkdirSync(path.join(root, '.hidden'));
    fs.mkdirSync(path.join(root, 'img10'));
    fs.mkdirSync(path.join(root, 'img9'));
    const folders = await invoke<{ entries: Array<{ name: string; kind: string }>; parent: string }>(server.studio, 'files:browse', { path: root });
    expect(folders.entries.map((e) => e.name)).toEqual(['cats', 'img9', 'img10']);
    expect(folders.parent).toBe(tmp.dir);
    const images = await invoke<{ entries: Array<{ name: string; kind: string }> }>(server.studio, 'files:browse', { path: root, show: 'images' });
    expect(images.entries.map((e) => `${e.kind}:${e.name}`)).toEqual(['folder:cats', 'folder:img9', 'folder:img10', 'file:b.PNG']);
    const csv = await invoke<{ entries: Array<{ name: string }> }>(server.studio, 'files:browse', { path: root, show: 'csv' });
    expect(csv.entries.map((e) => e.name)).toContain('labels.csv');
  });

  it('starts at the home folder and takes ~ paths; a missing folder is a plain error', async () => {
    const home = await invoke<{ path: string; home: string }>(server.studio, 'files:browse', {});
    expect(home.path).toBe(home.home);
    expect((await invoke<{ path: string }>(server.studio, 'files:browse', { path: '~' })).path).toBe(home.home);
    const missing = await dispatch('files:browse', { path: path.join(tmp.dir, 'nowhere') });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found', message: `There is no folder ${path.join(tmp.dir, 'nowhere')}.` } });
  });
});

describe('one job per intent', () => {
  it('a repeated client key returns the same import job; another key starts another', async () => {
    const photos = path.join(tmp.dir, 'photos');
    await writeSyntheticDataset(photos, 24, ['ants', 'bees']);
    const [first, again] = await Promise.all([
      invoke<{ jobId: string; importId: number }>(server.studio, 'import:folder', { path: photos, clientKey: 'click-1' }),
      invoke<{ jobId: string; importId: number }>(server.studio, 'import:folder', { path: photos, clientKey: 'click-1' }),
    ]);
    expect(again).toEqual(first);
    const third = await invoke<{ jobId: string }>(server.studio, 'import:folder', { path: photos, clientKey: 'click-1' });
    expect(third.jobId).toBe(first.jobId);
    expect(await jobs.finished(first.jobId)).toMatchObject({ status: 'done' });
    // Once the job settled the key is free again: a new click with it starts a new import.
    const later = await invoke<{ jobId: string }>(server.studio, 'import:folder', { path: photos, clientKey: 'click-1' });
    expect(later.jobId).not.toBe(first.jobId);
    await jobs.finished(later.jobId);
  });

  it('the same for exports and the health check, and a refused start is not remembered', async () => {
    const a = await invoke<{ jobId: string }>(server.studio, 'export:dataset', { layout: 'class', clientKey: 'export-1' });
    const b = await invoke<{ jobId: string }>(server.studio, 'export:dataset', { layout: 'class', clientKey: 'export-1' });
    expect(b.jobId).toBe(a.jobId);
    await jobs.finished(a.jobId);
    expect((await invoke<unknown[]>(server.studio, 'export:list', {})).length).toBe(1);
    const [h1, h2] = await Promise.all([
      invoke<{ jobId: string }>(server.studio, 'health:run', { clientKey: 'h' }),
      invoke<{ jobId: string }>(server.studio, 'health:run', { clientKey: 'h' }),
    ]);
    expect(h2.jobId).toBe(h1.jobId);
    await jobs.finished(h1.jobId);
    const refused = await dispatch('export:predictions', { clientKey: 'p' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await dispatch('export:predictions', { clientKey: 'p' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await dispatch('train:start', { clientKey: 'bad key!' })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
  });
});

describe('classes', () => {
  it('an import never creates a class with no images, nor gives it a number key', async () => {
    const root = path.join(tmp.dir, 'mixed');
    fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(root, 'docs', 'readme.md'), '# not a photo\n');
    fs.mkdirSync(path.join(root, 'broken'), { recursive: true });
    fs.writeFileSync(path.join(root, 'broken', 'x.jpg'), 'not a jpeg at all');
    await writeSyntheticJpeg(path.join(root, 'wasps', 'w1.jpg'), 901);
    const before = await classes();
    const { jobId, importId } = await invoke<{ jobId: string; importId: number }>(server.studio, 'import:folder', { path: root });
    expect(await jobs.finished(jobId)).toMatchObject({ status: 'done' });
    const after = await classes();
    expect(after.map((c) => c.name)).toEqual([...before.map((c) => c.name), 'wasps']);
    expect(after.find((c) => c.name === 'wasps')!.shortcut).toBe(3);
    const report = await invoke<{ problems: Array<{ path: string }> }>(server.studio, 'import:report', { importId });
    expect(report.problems.map((p) => path.basename(p.path)).sort()).toEqual(['readme.md', 'x.jpg']);
  });

  it('deletes a class (its images unlabeled) and the label undo brings it back; redo deletes it again', async () => {
    const ants = (await classes()).find((c) => c.name === 'ants')!;
    const labeledBefore = (await invoke<{ total: number }>(server.studio, 'images:page', { offset: 0, limit: 1, filter: { classId: ants.id } })).total;
    expect(labeledBefore).toBeGreaterThan(0);
    const deleted = await invoke<{ unlabeled: number; deleted: { name: string } }>(server.studio, 'classes:delete', { id: ants.id });
    expect(deleted).toMatchObject({ unlabeled: labeledBefore, deleted: { name: 'ants' } });
    expect((await classes()).some((c) => c.name === 'ants')).toBe(false);
    const undone = await invoke<{ changed: number; classesChanged?: boolean }>(server.studio, 'labels:undo', {});
    expect(undone).toMatchObject({ changed: labeledBefore, classesChanged: true });
    const back = (await classes()).find((c) => c.name === 'ants')!;
    expect(back).toEqual(ants);
    expect((await invoke<{ total: number }>(server.studio, 'images:page', { offset: 0, limit: 1, filter: { classId: ants.id } })).total).toBe(labeledBefore);
    await invoke(server.studio, 'labels:redo', {});
    expect((await classes()).some((c) => c.name === 'ants')).toBe(false);
    await invoke(server.studio, 'labels:undo', {});
    expect((await classes()).find((c) => c.name === 'ants')).toEqual(ants);
  });

  it('deleting an empty class is undoable too', async () => {
    const empty = await invoke<{ id: number }>(server.studio, 'classes:create', { name: 'empty' });
    expect(await invoke(server.studio, 'classes:delete', { id: empty.id })).toMatchObject({ unlabeled: 0 });
    await invoke(server.studio, 'labels:undo', {});
    expect((await classes()).some((c) => c.name === 'empty')).toBe(true);
    await invoke(server.studio, 'classes:delete', { id: empty.id });
  });

  it('the health check flags an empty class, a class with too few photos and a missing test split', async () => {
    const lonely = await invoke<{ id: number }>(server.studio, 'classes:create', { name: 'lonely' });
    const inTest = await invoke<{ ids: number[] }>(server.studio, 'images:ids', { filter: { split: 'test' } });
    if (inTest.ids.length) await invoke(server.studio, 'splits:set', { imageIds: inTest.ids, split: 'val' });
    const { jobId } = await invoke<{ jobId: string }>(server.studio, 'health:run', {});
    await jobs.finished(jobId);
    const report = await invoke<{ findings: Array<{ kind: string; severity: string; message: string }> }>(server.studio, 'health:report', {});
    const kinds = report.findings.map((f) => f.kind);
    expect(report.findings.find((f) => f.kind === 'empty_class')?.message).toMatch(/"lonely" has no images/);
    expect(report.findings.find((f) => f.kind === 'too_few_images' && f.message.includes('"wasps"'))).toMatchObject({ severity: 'error' });
    expect(kinds).toContain('no_test_split');
    await invoke(server.studio, 'classes:delete', { id: lonely.id });
  });
});

describe('upload (serve mode drag-and-drop)', () => {
  const post = (query: Record<string, string>, body: Buffer | string, headers: Record<string, string> = {}) =>
    fetch(`${server.origin}/upload?${new URLSearchParams(query)}`, { method: 'POST', body, headers });

  it('needs the token and a safe name; refuses other origins', async () => {
    expect((await post({ batch: 'b1', path: 'a.jpg' }, 'x')).status).toBe(401);
    expect((await post({ token: server.token, batch: 'b1', path: '../escape.jpg' }, 'x')).status).toBe(400);
    expect((await post({ token: server.token, batch: '../b', path: 'a.jpg' }, 'x')).status).toBe(400);
    expect((await post({ token: server.token, batch: 'b1', path: 'a.jpg' }, 'x', { Origin: 'http://evil.example' })).status).toBe(403);
    expect(fs.existsSync(path.join(tmp.dir, 'escape.jpg'))).toBe(false);
  });

  it('streams real photos into imported/<batch>/, which imports them with the usual report', async () => {
    if (fixturesUnavailable()) return;
    const dir = fixture('datasets', 'hymenoptera', 'val', 'bees');
    const photos = fs.readdirSync(dir).slice(0, 4);
    for (const name of photos) {
      const response = await post({ token: server.token, batch: 'drop-1', path: `bees-drop/${name}` }, fs.readFileSync(path.join(dir, name)));
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ path: path.join(projectDir, 'imported', 'drop-1', 'bees-drop', name) });
    }
    expect((await post({ token: server.token, batch: 'drop-1', path: 'notes.txt' }, 'just text')).status).toBe(201);
    const root = path.join(projectDir, 'imported', 'drop-1');
    const { jobId, importId } = await invoke<{ jobId: string; importId: number }>(server.studio, 'import:files', {
      paths: [path.join(root, 'bees-drop'), path.join(root, 'notes.txt')],
    });
    expect(await jobs.finished(jobId)).toMatchObject({ status: 'done' });
    const report = await invoke<{ counts: { added: number }; problems: Array<{ path: string }> }>(server.studio, 'import:report', { importId });
    expect(report.counts.added).toBe(photos.length);
    expect(report.problems.map((p) => path.basename(p.path))).toEqual(['notes.txt']);
  });

  it('refuses a file over the size limit and keeps nothing of it', async () => {
    const small = await startServer({ rendererDir: tmp.dir, studio: server.studio });
    try {
      const big = Buffer.alloc(65 * 1024 * 1024, 7);
      const response = await fetch(`${small.origin}/upload?${new URLSearchParams({ token: small.token, batch: 'big', path: 'huge.jpg' })}`, { method: 'POST', body: big });
      expect(response.status).toBe(413);
      expect(((await response.json()) as { error: string }).error).toMatch(/huge\.jpg is larger than 64 MB/);
      expect(fs.existsSync(path.join(projectDir, 'imported', 'big', 'huge.jpg'))).toBe(false);
    } finally {
      await small.close();
    }
  });
});

describe('heartbeat and reconnection', () => {
  it('says disconnected when the server goes, reconnects, resubscribes when it is back', async () => {
    const studio = server.studio;
    let running = await startServer({ rendererDir: tmp.dir, studio });
    const { port, token } = running;
    const transport = connectWithReconnect(wsUrl(running.origin, token), WebSocket, { retryMs: 100 });
    const client = createClient(transport);
    const states: ConnectionStatus[] = [];
    transport.onStatus((s) => states.push(s));
    const events: string[] = [];
    client.on('project:changed', (e) => events.push(e.project?.name ?? 'none'));
    await expect.poll(() => transport.status().state).toBe('connected');
    expect((await client.invoke('app:info', {})).transport).toBe('websocket');

    await running.close();
    await expect.poll(() => transport.status().state).toBe('disconnected');
    await expect(client.invoke('app:info', {})).rejects.toMatchObject({ code: 'io_error' });

    running = await startServer({ rendererDir: tmp.dir, studio, port, token });
    await expect.poll(() => transport.status(), { timeout: 10_000 }).toMatchObject({ state: 'connected', generation: 2 });
    await invoke(studio, 'classes:create', { name: 'after-reconnect' });
    await expect.poll(() => events.length).toBeGreaterThan(0);
    expect(states.map((s) => s.state)).toEqual(['connected', 'disconnected', 'connected']);
    transport.close();
    await running.close();
  });

  it('delivers events to a listener added while the first connection is being confirmed', async () => {
    // A page mounts its screens while the socket is open but "connected" (the app:info round
    // trip) has not come yet: such a listener must hear events at once, not after a reconnection.
    const running = await startServer({ rendererDir: tmp.dir, studio: server.studio });
    let client: ReturnType<typeof createClient> | null = null;
    const events: string[] = [];
    let addedIn: string | null = null;
    class Spy extends WebSocket {
      override send(data: Parameters<WebSocket['send']>[0], ...rest: unknown[]): void {
        (super.send as (...a: unknown[]) => void)(data, ...rest);
        // The transport's own app:info goes out right after its subscriptions: the window.
        if (!addedIn && String(data).includes('"app:info"')) {
          addedIn = transport.status().state;
          client!.on('project:changed', (e) => events.push(e.project?.name ?? 'none'));
        }
      }
    }
    const transport = connectWithReconnect(wsUrl(running.origin, running.token), Spy as unknown as typeof WebSocket, { retryMs: 100 });
    client = createClient(transport);
    await expect.poll(() => transport.status().state).toBe('connected');
    expect(addedIn).toBe('connecting');
    await invoke(server.studio, 'classes:create', { name: 'heard-after-mount' });
    await expect.poll(() => events.length).toBeGreaterThan(0);
    transport.close();
    await running.close();
  });

  it('treats a silent server as gone: the heartbeat stops, the page says so', async () => {
    // A socket server that accepts the upgrade and then never says anything (a frozen studio).
    const { WebSocketServer } = await import('ws');
    const silent = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => silent.once('listening', r));
    const port = (silent.address() as { port: number }).port;
    const transport = connectWithReconnect(`ws://127.0.0.1:${port}/ws?token=x`, WebSocket, { heartbeatTimeoutMs: 300, retryMs: 5000 });
    const seen: string[] = [];
    transport.onStatus((s) => seen.push(s.state));
    // It opens the socket but never answers: never "connected", and "disconnected" once the heartbeat is overdue.
    await expect.poll(() => transport.status().state, { timeout: 3000 }).toBe('disconnected');
    expect(seen).not.toContain('connected');
    transport.close();
    silent.close();
  });
});
