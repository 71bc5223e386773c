// Child process for the export kill test: opens PROJECT_DIR in a studio, starts a dataset export
// through the channel (as a client does), prints "started <exportId>", and once the job has
// reported copying at least one image, prints "copying" and blocks, so the parent kills it with
// the export cut off mid-way. Usage: export-runner.ts PROJECT_DIR
import { createStudio } from '../../electron/services/studio.js';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: export-runner.ts PROJECT_DIR');
const studio = createStudio();
studio.session.open(dir);
let started = false;
studio.bus.listen((event, payload) => {
  if (event === 'job:finished') {
    process.stdout.write(`finished ${JSON.stringify(payload)}\n`);
    process.exit(1);
  }
  const progress = payload as { done?: number };
  if (event === 'job:progress' && started && (progress.done ?? 0) > 0) {
    // stdout to a pipe is synchronous on Linux: the parent reads this before anything else runs.
    process.stdout.write('copying\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  }
});
const reply = await studio.dispatch('export:dataset', { layout: 'class' }, { transport: 'in-process' });
if (!reply.ok) throw new Error(reply.error.message);
process.stdout.write(`started ${(reply.value as { exportId: number }).exportId}\n`);
started = true;
