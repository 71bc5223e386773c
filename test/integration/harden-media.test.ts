// Issue 20 #2: one media resolver for serve mode's /media route and the desktop studio://media
// handler, with the same checks. A thumbnail replaced by a link to a secret file, or a source
// picture replaced by something that is not an image, must never be served as a picture.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../electron/dataset/import-job.js';
import { thumbPath } from '../../electron/dataset/thumbnails.js';
import { imageFiles } from '../../electron/project/images.js';
import { startServer, type RunningServer } from '../../electron/server/serve.js';
import { createMediaHandler } from '../../electron/shell/media-protocol.js';
import { projectMedia } from '../../electron/shell/project-media.js';
import { writeSyntheticJpeg } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-media-');
const source = path.join(tmp.dir, 'photos');
const SECRET = 'root:$6$secret-hash:19000:0:99999:7:::\n';
let server: RunningServer;
let ids: number[] = [];

function get(rawPath: string): Promise<{ status: number; type: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: server.port, path: `${rawPath}?token=${server.token}` }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

async function desktop(kind: string, id: number): Promise<{ status: number; type: string | null; body: Buffer }> {
  const handler = createMediaHandler({ host: 'media', ...projectMedia(() => server.studio.session.project) });
  const response = await handler(new Request(`studio://media/${kind}/${id}`));
  return { status: response.status, type: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) };
}

/** Both transports' answers for one request. */
async function both(kind: string, id: number) {
  return { serve: await get(`/media/${kind}/${id}`), desktop: await desktop(kind, id) };
}

beforeAll(async () => {
  await writeSyntheticJpeg(path.join(source, 'cats', 'a.jpg'), 1);
  await writeSyntheticJpeg(path.join(source, 'cats', 'b.jpg'), 2);
  await writeSyntheticJpeg(path.join(source, 'cats', 'c.jpg'), 3);
  fs.writeFileSync(path.join(tmp.dir, 'shadow'), SECRET);
  server = await startServer({ rendererDir: tmp.dir });
  const project = server.studio.session.create(path.join(tmp.dir, 'project'));
  await runImport(project, { kind: 'folder', root: source });
  ids = project.db.prepare('SELECT id FROM images ORDER BY id').pluck().all() as number[];
  expect(ids).toHaveLength(3);
});

afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

describe('one media resolver for both transports', () => {
  it('serves a thumbnail and a source picture the same way on both', async () => {
    const thumb = await both('thumb', ids[2]!);
    for (const answer of [thumb.serve, thumb.desktop]) {
      expect(answer.status).toBe(200);
      expect(answer.type).toBe('image/webp');
    }
    expect(thumb.serve.body.equals(thumb.desktop.body)).toBe(true);
    const full = await both('image', ids[2]!);
    for (const answer of [full.serve, full.desktop]) {
      expect(answer.status).toBe(200);
      expect(answer.type).toBe('image/jpeg');
      expect(answer.body.equals(fs.readFileSync(path.join(source, 'cats', 'c.jpg')))).toBe(true);
    }
  });

  it('does not serve a thumbnail replaced by a link to a secret file', async () => {
    const project = server.studio.session.requireProject();
    const thumb = thumbPath(project.dir, imageFiles(project.db, ids[0]!)!.hash);
    fs.rmSync(thumb);
    fs.symlinkSync(path.join(tmp.dir, 'shadow'), thumb);
    const answers = await both('thumb', ids[0]!);
    for (const answer of [answers.serve, answers.desktop]) {
      expect(answer.status).toBe(404);
      expect(answer.body.toString('latin1')).not.toContain('secret-hash');
    }
  });

  it('does not serve a source picture replaced by a non-image of the same size as an image', async () => {
    const file = path.join(source, 'cats', 'b.jpg');
    const size = fs.statSync(file).size;
    fs.writeFileSync(file, Buffer.alloc(size, SECRET));
    const answers = await both('image', ids[1]!);
    for (const answer of [answers.serve, answers.desktop]) {
      expect(answer.body.toString('latin1')).not.toContain('secret-hash');
      // Its thumbnail stands in, as for any source file that is not the content imported.
      expect(answer.status).toBe(200);
      expect(answer.type).toBe('image/webp');
      expect(answer.body.subarray(8, 12).toString('ascii')).toBe('WEBP');
    }
  });
});
