// The engine worker's entry: picks a backend once, then runs tasks the main process sends.
// Tasks run concurrently (a preview may arrive while a run trains); each has its own cancel flag.
import { parentPort, workerData } from 'node:worker_threads';
import { StudioError, type ErrorInfo } from '../domain/result.js';
import { initBackend } from '../engine/backend.js';
import { DownloadError } from '../engine/backbones/download.js';
import { ModelFileError } from '../engine/model-files.js';
import { disposeEmbedders } from './embedder-pool.js';
import type { FromWorker, ToWorker, WorkerOptions } from './protocol.js';
import { taskContext } from './task-context.js';
import { tasks } from './tasks.js';

const port = parentPort;
if (!port) throw new Error('engine-worker.ts runs only as a worker thread');
const options = workerData as WorkerOptions;
// The worker's env is its own copy: this points modelCacheDir() at the host's cache.
process.env.STUDIO_MODEL_CACHE = options.modelCache;

const send = (message: FromWorker) => port.postMessage(message);

function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof StudioError) return { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) };
  // The user's own input (a model folder, a download) failing is not an internal error.
  if (error instanceof ModelFileError) return { code: 'invalid_payload', message: error.message };
  if (error instanceof DownloadError) return { code: 'io_error', message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: message.split('\n')[0]!.slice(0, 500) };
}

async function call(message: Extract<ToWorker, { type: 'call' }>): Promise<void> {
  const { context, release } = taskContext(new Int32Array(message.cancel), {
    progress: (progress) => send({ type: 'progress', id: message.id, progress }),
    event: (event) => send({ type: 'event', id: message.id, event }),
  });
  try {
    const run = tasks[message.task] as (args: unknown, ctx: typeof context) => Promise<unknown>;
    const value = await run(message.args, context);
    send({ type: 'result', id: message.id, ok: true, value });
  } catch (error) {
    send({ type: 'result', id: message.id, ok: false, error: errorInfo(error) });
  } finally {
    release();
  }
}

try {
  const backend = await initBackend(options.preferBackend);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'call') void call(message);
    else if (message.type === 'shutdown') void disposeEmbedders().finally(() => process.exit(0));
  });
  send({ type: 'ready', backend });
} catch (error) {
  send({ type: 'startup-failed', error: errorInfo(error) });
}
