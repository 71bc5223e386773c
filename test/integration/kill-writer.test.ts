// A project survives a writer killed mid-transaction: SIGKILL a child that labels in a loop,
// reopen, and every acknowledged label is there and the file checks out.
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createProject, openProject } from '../../electron/project/project.js';
import { runTsChild } from '../helpers/child.js';
import { seedClasses, seedImages } from '../helpers/seed.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir();
const IMAGES = 20_000;
beforeAll(() => {
  const project = createProject(tmp.dir);
  seedClasses(project.db, ['ant', 'bee', 'wasp']);
  seedImages(project.db, IMAGES);
  project.close();
});
afterAll(() => tmp.cleanup());

async function runWriterAndKill(ackTarget: number, round: number): Promise<Map<number, number>> {
  const acked = new Map<number, number>();
  const exit = await runTsChild(path.join(import.meta.dirname, '../helpers/label-writer.ts'), [tmp.dir, String(round)], (line, child) => {
    const [image, cls] = line.split(' ').map(Number);
    if (image !== undefined && cls !== undefined && !Number.isNaN(cls)) acked.set(image, cls);
    if (acked.size >= ackTarget && !child.killed) child.kill('SIGKILL');
  });
  if (exit.signal !== 'SIGKILL') throw new Error(`writer exited with ${exit.code}: ${exit.stderr}`);
  return acked;
}

it('keeps every acknowledged label after SIGKILL, three times over', async () => {
  let total = 0;
  for (const [round, target] of [150, 600, 1500].entries()) {
    const acked = await runWriterAndKill(target, round);
    expect(acked.size).toBeGreaterThanOrEqual(target);
    total += acked.size;
    const project = openProject(tmp.dir);
    expect(project.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(project.db.pragma('foreign_key_check')).toEqual([]);
    const read = project.db.prepare('SELECT class_id FROM labels WHERE image_id = ?').pluck();
    const lost = [...acked].filter(([image, cls]) => read.get(image) !== cls);
    expect(lost).toEqual([]);
    // The history of every acknowledged write is whole: each action has its change row.
    const orphans = project.db.prepare('SELECT count(*) FROM label_actions a WHERE NOT EXISTS (SELECT 1 FROM label_changes c WHERE c.action_id = a.id)').pluck().get();
    expect(orphans).toBe(0);
    project.close();
  }
  expect(total).toBeGreaterThan(2000);
});
