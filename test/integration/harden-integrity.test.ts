// Issue 20 #5: a project.sqlite that is empty, foreign or damaged is refused on open with a
// clear message and left as it was, instead of silently becoming a new empty project (and
// orphaning thumbnails and models) or failing only later in training. `transfer-studio check`
// runs the full check; a damaged embedding cache is dropped and rebuilt by the next training.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../electron/engine/backend.js';
import { loadBackbone } from '../../electron/engine/backbones/load.js';
import { runTraining } from '../../electron/engine/training/run.js';
import { runImport } from '../../electron/dataset/import-job.js';
import { StudioError } from '../../electron/domain/result.js';
import { TrainConfig } from '../../electron/domain/schemas.js';
import { createProject, DB_FILE, openProject } from '../../electron/project/project.js';
import { readSettings } from '../../electron/project/settings.js';
import { runCliChild } from '../helpers/cli.js';
import { damageTablePage } from '../helpers/damage-db.js';
import { fixturesUnavailable } from '../helpers/fixtures.js';
import { writeSyntheticDataset } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';
import { installFixtureBackbone, trainedProject } from '../helpers/trained-project.js';

const tmp = tempDir('studio-integrity-');
afterAll(() => tmp.cleanup());

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function refusal(dir: string): StudioError {
  try {
    openProject(dir).close();
  } catch (error) {
    if (error instanceof StudioError) return error;
    throw error;
  }
  throw new Error(`${dir} opened`);
}

/** A project with a few imported images (so thumbs/ holds files), closed. */
async function importedProject(name: string): Promise<string> {
  const dir = path.join(tmp.dir, name);
  const images = path.join(tmp.dir, `${name}-images`);
  await writeSyntheticDataset(images, 6, ['ant', 'bee']);
  const project = createProject(dir);
  await runImport(project, { kind: 'folder', root: images });
  project.close();
  return dir;
}

describe('opening a database that is not the project’s', () => {
  it('refuses a 0-byte project.sqlite beside thumbs/ and leaves it as it was', async () => {
    const dir = await importedProject('emptied');
    const file = path.join(dir, DB_FILE);
    fs.rmSync(`${file}-wal`, { force: true });
    fs.rmSync(`${file}-shm`, { force: true });
    fs.writeFileSync(file, '');
    const error = refusal(dir);
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/project\.sqlite is empty \(0 bytes\), but the folder holds thumbs and models\/ of a project/);
    expect(fs.statSync(file).size).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'thumbs')).length).toBeGreaterThan(0);

    const cli = await runCliChild(['info', dir, '--json']);
    expect(cli.code).toBe(1);
    expect(cli.json()).toMatchObject({ error: { code: 'corrupt', message: expect.stringContaining('emptied or replaced') } });
    expect(fs.statSync(file).size).toBe(0);
  });

  it('refuses another program’s SQLite database and a file that is not SQLite, changing neither', () => {
    const dir = path.join(tmp.dir, 'foreign');
    createProject(dir).close();
    const file = path.join(dir, DB_FILE);
    for (const name of fs.readdirSync(dir)) if (name.startsWith(`${DB_FILE}-`)) fs.rmSync(path.join(dir, name));
    fs.rmSync(file);
    const other = new Database(file);
    other.exec('CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT); INSERT INTO moz_places (url) VALUES (\'https://example.org\')');
    other.close();
    const before = sha(file);
    expect(refusal(dir).message).toMatch(/another program's SQLite database/);
    expect(sha(file)).toBe(before);
    expect(new Database(file, { readonly: true }).prepare("SELECT count(*) FROM sqlite_master WHERE name = 'images'").pluck().get()).toBe(0);

    fs.writeFileSync(file, 'PK\u0003\u0004 a zip archive, not a database'.repeat(50));
    expect(refusal(dir).message).toMatch(/Could not open the project .*not a SQLite database at all/);
  });

  it('refuses a database with a damaged table on open, and check lists it', async () => {
    const dir = await importedProject('damaged');
    damageTablePage(path.join(dir, DB_FILE), 'image_paths');
    const error = refusal(dir);
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/project\.sqlite is damaged \(image_paths/);
    const check = await runCliChild(['check', dir, '--json']);
    expect(check.code).toBe(1);
    expect(check.json()).toMatchObject({ ok: false, damaged: expect.arrayContaining(['image_paths']) });

    const sound = await importedProject('sound');
    const fine = await runCliChild(['check', sound]);
    expect(fine.code, fine.stderr).toBe(0);
    expect(fine.stdout.join('\n')).toContain('the database is sound');
  });
});

describe.skipIf(fixturesUnavailable())('a damaged embedding cache', () => {
  it('does not stop the project from opening, and the next training rebuilds it', async () => {
    const t = await trainedProject(path.join(tmp.dir, 'trained'), { perClass: 4 });
    const dir = t.project.dir;
    const cached = t.project.db.prepare('SELECT count(*) FROM embeddings').pluck().get() as number;
    expect(cached).toBeGreaterThan(0);
    t.project.close();
    damageTablePage(path.join(dir, DB_FILE), 'embeddings');

    const project = openProject(dir);
    try {
      expect(() => project.db.prepare('SELECT count(*), sum(length(data)) FROM embeddings').get()).toThrow(/malformed/);
      const backend = await initBackend('wasm');
      const { spec, dir: backboneDir } = await installFixtureBackbone(t.cache, 'mobilenet-v2-0.35-224');
      const backbone = await loadBackbone(backboneDir, spec);
      try {
        const run = await runTraining({
          db: project.db,
          projectDir: project.dir,
          embedder: backbone,
          backbone: spec,
          backend,
          config: TrainConfig.parse({ epochs: 3, augmentViews: 0, outOfFoldK: 0 }),
          settings: readSettings(project.db),
        });
        expect(project.db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(run.runId)).toBe('done');
      } finally {
        backbone.dispose();
      }
      expect(project.db.prepare('SELECT count(*) FROM embeddings').pluck().get()).toBe(cached);
      expect(project.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      project.close();
    }
  });
});
