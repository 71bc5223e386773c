// Issue 20 #4: folders and CSV values named like Object.prototype's members ("constructor",
// "__proto__", ...) are ordinary class names and unknown split names, never lookups that find
// a function and fail the whole import.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importReport } from '../../electron/project/dataset-catalog.js';
import { runImport } from '../../electron/dataset/import-job.js';
import { hintsFor, splitFromName } from '../../electron/dataset/layout.js';
import { listClasses } from '../../electron/project/classes.js';
import { createProject } from '../../electron/project/project.js';
import { PROTO_NAMES } from '../helpers/hostile-names.js';
import { writeSyntheticJpeg } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-proto-');
afterAll(() => tmp.cleanup());

describe('names of Object.prototype members', () => {
  it('are not split names', () => {
    for (const name of PROTO_NAMES) expect(splitFromName(name), name).toBeNull();
    expect(hintsFor(path.join('constructor', 'a.jpg'))).toEqual({ split: null, className: 'constructor' });
    expect(hintsFor(path.join('train', '__proto__', 'a.jpg'))).toEqual({ split: 'train', className: '__proto__' });
  });

  it('import as class folders, and a CSV split value of that name is one bad row', async () => {
    const root = path.join(tmp.dir, 'photos');
    let seed = 1;
    for (const name of PROTO_NAMES) await writeSyntheticJpeg(path.join(root, name, 'a.jpg'), seed++);
    const project = createProject(path.join(tmp.dir, 'project'));
    const summary = await runImport(project, { kind: 'folder', root });
    expect(summary.status).toBe('done');
    expect(summary.counts).toMatchObject({ added: PROTO_NAMES.length, labeled: PROTO_NAMES.length, problems: 0 });
    expect(listClasses(project.db).map((c) => c.name).sort()).toEqual([...PROTO_NAMES].sort());
    const labelled = project.db.prepare('SELECT c.name, count(*) AS n FROM labels l JOIN classes c ON c.id = l.class_id GROUP BY c.name ORDER BY c.name').all();
    expect(labelled).toEqual([...PROTO_NAMES].sort().map((name) => ({ name, n: 1 })));

    const csv = path.join(tmp.dir, 'labels.csv');
    const rows = PROTO_NAMES.map((name, i) => `photos/${name}/a.jpg,${PROTO_NAMES[(i + 1) % PROTO_NAMES.length]},${i === 0 ? 'constructor' : 'val'}`);
    fs.writeFileSync(csv, `path,label,split\n${rows.join('\n')}\n`);
    const fromCsv = await runImport(project, { kind: 'csv', file: csv });
    expect(fromCsv.status).toBe('done');
    expect(fromCsv.counts).toMatchObject({ problems: 1 });
    expect(importReport(project.db, fromCsv.id, 0, 10)!.problems).toEqual([expect.objectContaining({ reason: 'bad_row', message: expect.stringContaining('unknown split "constructor"') })]);
    project.close();
  });
});
