// Child process for the crash harness: labels in bursts through the studio's own handlers
// (labels:set, labels:undo, labels:redo), as a person at the keyboard does. Before each call it
// prints "begin N {imageId: classId|null}" (what the call will leave), after it returns
// "ack N": an acknowledged write. The parent SIGKILLs it at a random moment.
// Usage: label-burst.ts PROJECT_DIR SEED
import { seededRandom } from '../../../electron/engine/images/random.js';
import { createStudio } from '../../../electron/services/studio.js';

const [dir, seedText] = process.argv.slice(2);
if (!dir) throw new Error('usage: label-burst.ts PROJECT_DIR SEED');
const random = seededRandom(`label-burst:${seedText ?? 0}`);
const studio = createStudio();
const project = studio.session.open(dir);
const db = project.db;
const images = db.prepare('SELECT id FROM images ORDER BY id').pluck().all() as number[];
const classes = db.prepare('SELECT id FROM classes ORDER BY id').pluck().all() as number[];
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** The values an undo or redo will write: the recorded old or new labels of that action. */
function replayValues(direction: 'undo' | 'redo'): Record<number, number | null> {
  const action = db.prepare(direction === 'undo' ? 'SELECT max(id) FROM label_actions WHERE undone = 0' : 'SELECT min(id) FROM label_actions WHERE undone = 1').pluck().get() as number | null;
  if (action === null) return {};
  const rows = db.prepare(`SELECT image_id AS id, ${direction === 'undo' ? 'old_class_id' : 'new_class_id'} AS classId FROM label_changes WHERE action_id = ?`).all(action) as Array<{ id: number; classId: number | null }>;
  return Object.fromEntries(rows.map((r) => [r.id, r.classId]));
}

process.stdout.write('ready\n');
for (let n = 0; ; n++) {
  const roll = random();
  let channel: 'labels:set' | 'labels:undo' | 'labels:redo';
  let payload: object;
  let values: Record<number, number | null>;
  if (roll < 0.7) {
    // A key press on one image, or a bulk label of a selection (up to 200 images).
    const count = random() < 0.6 ? 1 : 1 + Math.floor(random() * 200);
    const ids = [...new Set(Array.from({ length: count }, () => pick(images)))];
    const classId = random() < 0.1 ? null : pick(classes);
    channel = 'labels:set';
    payload = { imageIds: ids, classId };
    values = Object.fromEntries(ids.map((id) => [id, classId]));
  } else if (roll < 0.85) {
    channel = 'labels:undo';
    payload = {};
    values = replayValues('undo');
  } else {
    channel = 'labels:redo';
    payload = {};
    values = replayValues('redo');
  }
  // stdout to a pipe is synchronous on Linux: once write returns, the parent can read the line.
  process.stdout.write(`begin ${n} ${JSON.stringify(values)}\n`);
  const result = await studio.dispatch(channel, payload, { transport: 'in-process' });
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.message}`);
  process.stdout.write(`ack ${n}\n`);
}
