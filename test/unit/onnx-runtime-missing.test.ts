// Where onnxruntime-node failed to install (or its native library cannot load), the studio still
// starts and says why, so the embedding ladder can fall back with that reason.
import { describe, expect, it, vi } from 'vitest';

vi.mock('onnxruntime-node', () => {
  throw new Error('libonnxruntime.so.1: cannot open shared object file: No such file or directory');
});

describe('onnxruntime-node unavailable', () => {
  it('reports the reason instead of crashing, and the runner refuses with it', async () => {
    const { loadOnnxRuntime, OnnxRunner } = await import('../../electron/engine/onnx-runner.js');
    const loaded = await loadOnnxRuntime();
    expect(loaded.ok).toBe(false);
    expect(!loaded.ok && loaded.reason).toMatch(/onnxruntime-node could not be loaded: .*libonnxruntime\.so\.1: cannot open shared object file/);
    await expect(OnnxRunner.create(new Uint8Array(8))).rejects.toThrow(/cannot open shared object file/);
  });
});
