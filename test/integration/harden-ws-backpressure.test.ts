// Issue 20 #8: a client that sends requests but never reads the answers must not make the
// server hold them all. The server pauses reading from that connection; its memory stays
// bounded, and once the client reads again every request is answered.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureClass } from '../../electron/project/classes.js';
import { insertImage } from '../../electron/project/images.js';
import { applyLabels } from '../../electron/project/labels.js';
import { createProject } from '../../electron/project/project.js';
import { startServeChild, type ServeChild } from '../reliability/serve-child-handle.js';
import { tempDir } from '../helpers/temp-dir.js';
import { floodWithoutReading } from '../helpers/unread-flood.js';

const tmp = tempDir('studio-backpressure-');
let server: ServeChild;

beforeAll(async () => {
  const project = createProject(path.join(tmp.dir, 'project'));
  const cls = ensureClass(project.db, 'ant').id;
  project.db.transaction(() => {
    for (let i = 0; i < 1000; i++) {
      const { id } = insertImage(project.db, { hash: i.toString(16).padStart(64, '0'), path: `/photos/some/longer/folder/name/image_${i}.jpg`, byteSize: 12_345, width: 640, height: 480, format: 'jpeg' });
      applyLabels(project.db, [id], cls, { source: 'import' });
    }
  })();
  project.close();
  server = await startServeChild({ projectDir: path.join(tmp.dir, 'project'), modelCache: null, rendererDir: tmp.dir });
});

afterAll(async () => {
  await server?.stop();
  tmp.cleanup();
});

describe('a client that never reads its answers', () => {
  it('keeps server memory bounded, still answers others, and answers it again once it reads', async () => {
    const requests = 2000;
    const flood = await floodWithoutReading(server, requests, 8_000, 300);
    expect(server.alive(), server.stderr()).toBe(true);
    // Each answer is ~300 kB: holding them all would be ~600 MB more.
    expect(flood.peakMb - flood.baselineMb, JSON.stringify(flood)).toBeLessThan(200);
    expect(flood.othersAnswered).toBe(true);
    // Reading again, the paused connection is served again (well past what one pause holds).
    expect(flood.answered).toBeGreaterThanOrEqual(300);
  }, 180_000);
});
