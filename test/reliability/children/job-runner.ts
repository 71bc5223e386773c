// Child process for the crash harness: one job-starting channel (train:start, export:model, …)
// through the studio's handlers, the engine in its worker thread, as the app runs it. It prints
// "ready", then "phase <name>" at each new progress phase and "epoch <n>" per finished training
// epoch, and "finished <status>" at the end. The parent SIGKILLs it at a random moment (the
// worker dies with it).
// Usage: job-runner.ts PROJECT_DIR MODEL_CACHE CHANNEL PAYLOAD_JSON
import { EngineHost } from '../../../electron/worker/engine-host.js';
import type { EventPayload, RequestChannel } from '../../../electron/ipc/contract.js';
import { createStudio } from '../../../electron/services/studio.js';

const [dir, cache, channel, payloadJson] = process.argv.slice(2);
if (!dir || !cache || !channel) throw new Error('usage: job-runner.ts PROJECT_DIR MODEL_CACHE CHANNEL PAYLOAD_JSON');
const studio = createStudio({ engine: new EngineHost({ modelCache: cache }) });
studio.session.open(dir);
await studio.engine.start();

let phase = '';
const finished = new Promise<EventPayload<'job:finished'>>((resolve) => {
  studio.bus.listen((event, payload) => {
    if (event === 'job:progress') {
      const p = payload as EventPayload<'job:progress'>;
      if (p.phase !== phase) process.stdout.write(`phase ${(phase = p.phase).replace(/\s+/g, '-')}\n`);
    } else if (event === 'train:metrics') {
      const m = payload as EventPayload<'train:metrics'>;
      if (m.batch === null) process.stdout.write(`epoch ${m.epoch}\n`);
    } else if (event === 'job:finished') resolve(payload as EventPayload<'job:finished'>);
  });
});

process.stdout.write('ready\n');
const started = await studio.dispatch(channel as RequestChannel, JSON.parse(payloadJson ?? '{}') as unknown, { transport: 'in-process' });
if (!started.ok) throw new Error(`${channel} failed: ${started.error.message}`);
const end = await finished;
process.stdout.write(`finished ${end.status}${end.error ? ` ${end.error.replace(/\n/g, ' ')}` : ''}\n`);
await studio.close();
