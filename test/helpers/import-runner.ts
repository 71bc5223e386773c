// Child process for the kill test: imports a folder with small batches and prints
// "committed N" after each batch's transaction returned, i.e. each acknowledged commit.
// Usage: import-runner.ts PROJECT_DIR SOURCE_DIR BATCH_SIZE
import { runImport } from '../../electron/dataset/import-job.js';
import { openProject } from '../../electron/project/project.js';

const [dir, source, batch] = process.argv.slice(2);
if (!dir || !source) throw new Error('usage: import-runner.ts PROJECT_DIR SOURCE_DIR BATCH_SIZE');
const project = openProject(dir);
process.stdout.write('ready\n');
await runImport(project, { kind: 'folder', root: source }, {
  batchSize: Number(batch ?? 16),
  // stdout to a pipe is synchronous on Linux: once this returns, the parent can read it.
  onCommit: (committed) => process.stdout.write(`committed ${committed}\n`),
});
project.close();
process.stdout.write('done\n');
