// Child process for the kill test: labels images one write transaction at a time and prints
// "<imageId> <classId>" only after each commit returned, i.e. each acknowledged write.
// Usage: label-writer.ts PROJECT_DIR ROUND (each round shifts the classes, so every write changes a row)
import { applyLabels } from '../../electron/project/labels.js';
import { openProject } from '../../electron/project/project.js';

const dir = process.argv[2];
const round = Number(process.argv[3] ?? 0);
if (!dir) throw new Error('usage: label-writer.ts PROJECT_DIR ROUND');
const project = openProject(dir);
const images = project.db.prepare('SELECT id FROM images ORDER BY id').pluck().all() as number[];
const classes = project.db.prepare('SELECT id FROM classes ORDER BY id').pluck().all() as number[];
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const imageId = images[i % images.length]!;
  const classId = classes[(i + round) % classes.length]!;
  applyLabels(project.db, [imageId], classId, { description: `write ${i}` });
  // stdout to a pipe is synchronous on Linux: once this returns, the parent can read it.
  process.stdout.write(`${imageId} ${classId}\n`);
}
