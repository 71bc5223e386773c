// The inference thread's entry (issue 21): one onnxruntime session, fed batches by the thread
// that decodes. onnxruntime-node's session.run is synchronous on the JavaScript thread that
// calls it (its async API only defers the call with setImmediate), so on the engine worker it
// stopped the augment warp, the scaling into the batch and the cache writes for the whole run.
// Here it blocks nothing else: the engine worker prepares the next batch meanwhile.
import { parentPort, workerData } from 'node:worker_threads';
import { OnnxRunner } from '../engine/onnx-runner.js';
import { asWholeBuffer } from '../engine/whole-buffer.js';
import type { InferenceReply, InferenceRequest, InferenceWorkerData } from './inference-protocol.js';

const port = parentPort;
if (!port) throw new Error('inference-worker.ts runs only as a worker thread');
const options = workerData as InferenceWorkerData;
const send = (message: InferenceReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

try {
  const runner = await OnnxRunner.create(options.model, options.threads ? { threads: options.threads } : {});
  port.on('message', (request: InferenceRequest) => {
    if (request.type === 'dispose') {
      void runner.dispose().finally(() => port.close());
      return;
    }
    runner.run(request.pixels, request.count).then(
      (output) => {
        // The output may view a larger native buffer: copy exactly its values, then hand them over.
        const owned = asWholeBuffer(output);
        send({ type: 'output', id: request.id, output: owned }, [owned.buffer as ArrayBuffer]);
      },
      (error: unknown) => send({ type: 'error', id: request.id, message: messageOf(error) }),
    );
  });
  send({ type: 'ready', exampleShape: runner.exampleShape, threads: runner.threads });
} catch (error) {
  send({ type: 'failed', message: messageOf(error) });
}
