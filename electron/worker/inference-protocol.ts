// The messages between a thread that embeds and its inference thread (inference-thread.ts).
// Pixel and output buffers are transferred, not copied, in both directions.

export interface InferenceWorkerData {
  /** The .onnx model's bytes. */
  model: Uint8Array;
  /** onnxruntime's intra-op threads; absent = its default (every core). */
  threads?: number;
}

export type InferenceRequest = { type: 'run'; id: number; pixels: Float32Array; count: number } | { type: 'dispose' };

export type InferenceReply =
  | { type: 'ready'; exampleShape: [number, number, number]; threads: number }
  | { type: 'failed'; message: string }
  | { type: 'output'; id: number; output: Float32Array }
  | { type: 'error'; id: number; message: string };
