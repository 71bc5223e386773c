// Child process that holds a training run and an import "running" in a project, the way a CLI
// `train` or `import` does while it works: the run's model folder is being written. It prints
// "holding RUN_ID IMPORT_ID" and then waits until it is killed.
// Usage: job-holder.ts PROJECT_DIR
import fs from 'node:fs';
import path from 'node:path';
import { beginImport } from '../../electron/project/dataset-catalog.js';
import { openProject } from '../../electron/project/project.js';
import { createRun } from '../../electron/project/runs.js';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: job-holder.ts PROJECT_DIR');
const project = openProject(dir);
const runId = createRun(project.db, { epochs: 3 }, 'wasm');
const importId = beginImport(project.db, 'folder', '/somewhere');
const folder = path.join(project.dir, 'models', `run-${runId}`);
fs.mkdirSync(folder, { recursive: true });
fs.writeFileSync(path.join(folder, 'model.json'), '{"being":"written"}');
process.stdout.write(`holding ${runId} ${importId}\n`);
setInterval(() => undefined, 60_000);
