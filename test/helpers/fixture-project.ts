// A project holding a fixture dataset laid out as split/class/image, for engine tests and
// benchmarks. It only records files (hash, path, folder label and split): import-time checks
// and thumbnails are the dataset importer's job and are tested there.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensureClass } from '../../electron/project/classes.js';
import { insertImage } from '../../electron/project/images.js';
import { applyLabels } from '../../electron/project/labels.js';
import { createProject, type Project } from '../../electron/project/project.js';
import type { Split } from '../../electron/domain/schemas.js';

const IMAGE = /\.(jpe?g|png|gif|webp|tiff?)$/i;

export function addSplitClassFolder(
  project: Project,
  root: string,
  options: { splits?: Record<string, Split>; limitPerClass?: number; filter?: (file: string) => boolean } = {},
): number {
  const splits = options.splits ?? { train: 'train', val: 'val' };
  let count = 0;
  for (const [folder, split] of Object.entries(splits)) {
    const splitDir = path.join(root, folder);
    if (!fs.existsSync(splitDir)) continue;
    for (const className of fs.readdirSync(splitDir).sort()) {
      const classDir = path.join(splitDir, className);
      const cls = ensureClass(project.db, className);
      const files = fs
        .readdirSync(classDir)
        .filter((f) => IMAGE.test(f) && (options.filter?.(f) ?? true))
        .sort()
        .slice(0, options.limitPerClass ?? Infinity);
      for (const file of files) {
        const full = path.join(classDir, file);
        const data = fs.readFileSync(full);
        const { id } = insertImage(project.db, {
          hash: createHash('sha256').update(data).digest('hex'),
          path: full,
          byteSize: data.length,
          width: null,
          height: null,
          format: path.extname(file).slice(1).toLowerCase(),
          split,
        });
        applyLabels(project.db, [id], cls.id, { source: 'import' });
        count++;
      }
    }
  }
  return count;
}

export function fixtureProject(dir: string, root: string, options: Parameters<typeof addSplitClassFolder>[2] = {}): Project {
  const project = createProject(dir);
  addSplitClassFolder(project, root, options);
  return project;
}
