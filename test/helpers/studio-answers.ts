// What an export must answer: the studio's own forward pass of the trained run (the model the
// studio predicts with), on raw pixels or on photo files decoded by the studio's pipeline, and
// how far an export's script, or TensorFlow Lite itself, strays from it.
import path from 'node:path';
import { expect } from 'vitest';
import { decodeForModel, scalePixels } from '../../electron/engine/images/decode.js';
import type { ModelExportResult } from '../../electron/export/model/export-model.js';
import { sampleImages } from '../../electron/export/model/samples.js';
import { resolveModelSource, type ModelSource } from '../../electron/export/model/source.js';
import { loadStudioModel } from '../../electron/export/model/studio-model.js';
import { compareOutputs } from '../../electron/onnx/output-parity.js';
import { runTfliteInPython } from './python-tf.js';
import type { TrainedProject } from './trained-project.js';

/** The studio's probabilities for `count` images of raw (unscaled) pixels, from the run `source` names. */
export async function studioForward(source: ModelSource, raw: ArrayLike<number>, count: number): Promise<Float32Array> {
  const model = await loadStudioModel(source);
  try {
    const scaled = new Float32Array(raw.length);
    scalePixels(raw, source.preprocessing.scaling, scaled, 0);
    return await model.forward(scaled, count);
  } finally {
    model.dispose();
  }
}

/** The studio's probabilities for each photo file (decoded as the studio decodes), from the newest run of `t`. */
export async function studioAnswers(t: TrainedProject, files: readonly string[]): Promise<Map<string, Float32Array>> {
  const source = resolveModelSource(t.project.db, t.project.dir, t.cache, {});
  const model = await loadStudioModel(source);
  const answers = new Map<string, Float32Array>();
  try {
    for (const file of files) {
      const x = new Float32Array(224 * 224 * 3);
      scalePixels((await decodeForModel(file, source.preprocessing)).pixels, source.preprocessing.scaling, x, 0);
      answers.set(file, await model.forward(x, 1));
    }
  } finally {
    model.dispose();
  }
  return answers;
}

/** max |Δp| of a script's answers (file → probabilities) against the studio's, every file's top-1 checked. */
export function worstAgainstStudio(studio: ReadonlyMap<string, Float32Array>, got: ReadonlyMap<string, readonly number[]>): number {
  let worst = 0;
  for (const [file, ref] of studio) {
    const probs = got.get(file)!;
    probs.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ref[i]!))));
    expect(probs.indexOf(Math.max(...probs))).toBe(ref.indexOf(Math.max(...ref)));
  }
  return worst;
}

/** A TFLite export's own sample photos through real TFLite (Python's tf.lite.Interpreter), against the studio's forward pass. */
export async function tfliteAgainstStudio(t: TrainedProject, r: ModelExportResult) {
  const source = resolveModelSource(t.project.db, t.project.dir, t.cache, { runId: r.runId });
  const samples = await sampleImages(t.project.db, source.preprocessing, r.parity!.examples);
  expect(samples.images.map((i) => i.imageId)).toEqual(r.parity!.images.map((i) => i.imageId));
  const reference = await studioForward(source, samples.raw, samples.count);
  const lite = runTfliteInPython(path.join(r.dir, 'model.tflite'), samples.raw, samples.count);
  return { ...compareOutputs(reference, lite.output, samples.count, true), runtime: lite.runtime };
}
