// Serve mode's image route: by image id of the open project only, behind the per-launch token.
// Every refusal is checked against a request that succeeds, so a route that refused
// everything would fail here too.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../electron/dataset/import-job.js';
import { thumbPath } from '../../electron/dataset/thumbnails.js';
import { imageFiles } from '../../electron/project/images.js';
import { startServer, type RunningServer } from '../../electron/server/serve.js';
import { parseMediaPath } from '../../electron/services/media.js';
import { writeSyntheticJpeg } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir();
let server: RunningServer;
let ids: number[] = [];
const source = path.join(tmp.dir, 'photos');

/** A raw GET that sends the path exactly as written (fetch would normalise dots and escapes). */
function get(rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string | undefined; body: Buffer; etag: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: rawPath, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks), etag: res.headers.etag }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const withToken = (p: string) => `${p}${p.includes('?') ? '&' : '?'}token=${server.token}`;

beforeAll(async () => {
  await writeSyntheticJpeg(path.join(source, 'cats', 'a.jpg'), 1);
  await writeSyntheticJpeg(path.join(source, 'cats', 'b.jpg'), 2);
  fs.writeFileSync(path.join(tmp.dir, 'secret.txt'), 'root:x:0:0 secret');
  server = await startServer();
  const project = server.studio.session.create(path.join(tmp.dir, 'project'));
  await runImport(project, { kind: 'folder', root: source });
  ids = project.db.prepare('SELECT id FROM images ORDER BY id').pluck().all() as number[];
  expect(ids).toHaveLength(2);
});

afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

describe('media route', () => {
  it('serves the thumbnail and the source picture of an image of the open project', async () => {
    const thumb = await get(withToken(`/media/thumb/${ids[0]}`));
    expect(thumb.status).toBe(200);
    expect(thumb.type).toBe('image/webp');
    expect(thumb.body.subarray(8, 12).toString('ascii')).toBe('WEBP');
    const project = server.studio.session.requireProject();
    expect(thumb.body.equals(fs.readFileSync(thumbPath(project.dir, imageFiles(project.db, ids[0]!)!.hash)))).toBe(true);

    const full = await get(withToken(`/media/image/${ids[1]}`));
    expect(full.status).toBe(200);
    expect(full.type).toBe('image/jpeg');
    expect(full.body.equals(fs.readFileSync(path.join(source, 'cats', 'b.jpg')))).toBe(true);

    const again = await get(withToken(`/media/image/${ids[1]}`), { 'If-None-Match': full.etag! });
    expect(again.status).toBe(304);
  });

  it('refuses without the token or with a wrong one, before looking anything up', async () => {
    expect((await get(`/media/thumb/${ids[0]}`)).status).toBe(401);
    expect((await get(`/media/thumb/${ids[0]}?token=`)).status).toBe(401);
    expect((await get(`/media/thumb/${ids[0]}?token=${server.token.slice(1)}x`)).status).toBe(401);
    expect((await get(`/media/thumb/${ids[0]}?token=${server.token}${server.token}`)).status).toBe(401);
    expect((await get(`/media/thumb/999999?token=wrong`)).status).toBe(401);
  });

  it('answers 404 for an id the open project does not have', async () => {
    expect((await get(withToken('/media/thumb/999999'))).status).toBe(404);
    expect((await get(withToken('/media/image/9007199254740991'))).status).toBe(404);
  });

  it.each([
    '/media/thumb/%2Fetc%2Fpasswd',
    '/media/image/..%2F..%2Fsecret.txt',
    '/media/image/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/media/thumb/1/../../../secret.txt',
    '/media/image/1%2F..%2F..%2Fsecret.txt',
    '/media/image/..',
    '/media/image/%2e%2e',
    '/media/thumb/',
    '/media/thumb',
    '/media/../secret.txt',
    '/media/%2e%2e/%2e%2e/secret.txt',
    '/media/file/1',
    '/media/thumb/-1',
    '/media/thumb/+1',
    '/media/thumb/01',
    '/media/thumb/1.0',
    '/media/thumb/0x1',
    '/media/thumb/1e0',
    '/media/thumb/0',
    '/media/thumb/%31',
    '/media/thumb/1%00',
    '/media/thumb/12345678901234567890',
    '/media/thumb/1/2',
  ])('refuses %s', async (raw) => {
    const answer = await get(withToken(raw));
    expect([400, 404]).toContain(answer.status);
    expect(answer.body.toString('latin1')).not.toContain('secret');
  });

  it('reads only <kind>/<digits>', () => {
    expect(parseMediaPath('thumb/12')).toEqual({ kind: 'thumb', imageId: 12 });
    expect(parseMediaPath('image/7')).toEqual({ kind: 'image', imageId: 7 });
    for (const bad of ['thumb/../1', 'thumb/%2e', 'thumb/1/', '/thumb/1', 'thumb/ 1', 'thumb/1 ', 'Thumb/1', 'thumb/١']) expect(parseMediaPath(bad), bad).toBeNull();
  });

  it('stands the thumbnail in for a source file that changed since the import', async () => {
    const file = path.join(source, 'cats', 'a.jpg');
    await writeSyntheticJpeg(file, 99, { width: 300, height: 200 });
    const answer = await get(withToken(`/media/image/${ids[0]}`));
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('image/webp');
  });

  it('serves nothing once the project is closed, and the other project’s images once it opens', async () => {
    const first = server.studio.session.requireProject().dir;
    server.studio.session.close();
    expect((await get(withToken(`/media/thumb/${ids[0]}`))).status).toBe(404);
    server.studio.session.create(path.join(tmp.dir, 'empty project'));
    expect((await get(withToken(`/media/thumb/${ids[0]}`))).status).toBe(404);
    server.studio.session.open(first);
    expect((await get(withToken(`/media/thumb/${ids[0]}`))).status).toBe(200);
  });
});
