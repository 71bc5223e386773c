// Pipeline parity (issue 22): the export fed from the photo files through the preprocessing its
// README gives — the README's own code text, evaluated here, not a re-implementation — against
// the studio's answer on the same photos. Only 'bilinear' specs have such code; a browser's
// canvas resampling and the browser pipelines themselves are measured by bench:export in
// Chromium (Chromium is a test tool, not part of the product).
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { ALPHA_BACKGROUND, colourProfileOf, PIXEL_LIMIT, resamplingOf } from '../../engine/images/decode.js';
import type { ModelExportFormat, PipelineParity, Preprocessing } from '../../domain/schemas.js';
import { compareOutputs } from '../../onnx/output-parity.js';
import type { CandidateModel } from './parity-check.js';
import { resizeJs, tfjsBrowserSnippet } from './snippets.js';

/** Agreement a pipeline must reach: the model's own parity tolerance on probabilities. */
export const PIPELINE_MAX_DP = 1e-3;

const BATCH = 16;

type Resize = (data: Uint8Array, width: number, height: number, channels: number) => Float32Array | Promise<Float32Array>;

interface Pipeline {
  name: string;
  resize: Resize;
}

/** The README's plain-JavaScript resize (ONNX predict.mjs, the Teachable Machine canvas). */
function jsResize(spec: Preprocessing): Resize {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the README's text is what is checked
  return new Function(`${resizeJs(spec.inputSize, spec.resizeMode)}\nreturn resize;`)() as Resize;
}

/** The TF.js README's toInput(), with fromPixels standing for the browser's decode. */
function tfjsResize(spec: Preprocessing): Resize {
  const shim = { ...tf, browser: { fromPixels: (t: tf.Tensor3D) => t } };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the README's text is what is checked
  const toInput = new Function('tf', `${tfjsBrowserSnippet(spec.inputSize, spec.resizeMode, colourProfileOf(spec))}\nreturn toInput;`)(shim) as (t: tf.Tensor3D) => tf.Tensor4D;
  return async (data, width, height, channels) => {
    const pixels = tf.tidy(() => tf.slice(tf.tensor3d(data, [height, width, channels], 'int32'), [0, 0, 0], [height, width, 3]) as tf.Tensor3D);
    const input = toInput(pixels); // disposes pixels, as fromPixels' tensor
    const values = (await input.data()) as Float32Array;
    input.dispose();
    return values;
  };
}

export function deploymentPipeline(format: Exclude<ModelExportFormat, 'card'>, spec: Preprocessing): Pipeline | null {
  if (resamplingOf(spec) !== 'bilinear') return null;
  // What stands for the browser's decode: the README's decodePhoto (profiles ignored) or an <img>.
  const decode = colourProfileOf(spec) === 'ignore' ? "sharp decode as the README's decodePhoto()" : 'sharp decode as the <img>';
  switch (format) {
    case 'onnx':
      return { name: "sharp decode + predict.mjs's resize()", resize: jsResize(spec) };
    case 'teachable':
      return { name: `${decode} + the README's studioCanvas() resize, handed to predict() at its input size (copied unscaled)`, resize: jsResize(spec) };
    case 'tfjs':
      return { name: `${decode} + tf.browser.fromPixels + the README's toInput()`, resize: tfjsResize(spec) };
    case 'tflite':
    case 'keras':
    case 'bundle':
      // Their READMEs do not carry a tested resize snippet yet: model parity only (said in the record).
      return null;
  }
}

/**
 * A photo decoded as the READMEs' Node code decodes it: EXIF-oriented, on white, sRGB or (a spec
 * that ignores colour profiles) the stored values, as their browser code's decodePhoto gets them.
 */
async function decodeFull(file: string, spec: Preprocessing): Promise<{ data: Uint8Array; width: number; height: number; channels: number }> {
  const ignoreIcc = colourProfileOf(spec) === 'ignore';
  const { data, info } = await sharp(file, { limitInputPixels: PIXEL_LIMIT, autoOrient: true, ignoreIcc })
    .flatten({ background: ALPHA_BACKGROUND })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels };
}

export interface PipelineRequest {
  format: Exclude<ModelExportFormat, 'card'>;
  spec: Preprocessing;
  files: readonly string[];
  candidate: CandidateModel;
  /** The studio's probabilities for the same files, row per file. */
  reference: Float32Array;
  classes: number;
  checkpoint?: () => void;
}

export async function checkPipelineParity(r: PipelineRequest): Promise<PipelineParity | null> {
  const pipeline = deploymentPipeline(r.format, r.spec);
  if (!pipeline || r.files.length === 0) return null;
  const per = r.spec.inputSize * r.spec.inputSize * 3;
  const exported = new Float32Array(r.files.length * r.classes);
  // Batches of BATCH photos: one forward pass per batch, not per photo.
  for (let start = 0; start < r.files.length; start += BATCH) {
    const files = r.files.slice(start, start + BATCH);
    const inputs = new Float32Array(files.length * per);
    for (const [i, file] of files.entries()) {
      r.checkpoint?.();
      const photo = await decodeFull(file, r.spec);
      inputs.set(await pipeline.resize(photo.data, photo.width, photo.height, photo.channels), i * per);
    }
    exported.set(await r.candidate.predict(inputs, files.length), start * r.classes);
  }
  const stats = compareOutputs(r.reference, exported, r.files.length, true);
  const maxAbs = Number.isFinite(stats.maxAbs) ? stats.maxAbs : null;
  const top1 = stats.top1Agreement ?? null;
  return { pipeline: pipeline.name, examples: r.files.length, maxAbs, top1Agreement: top1, passed: maxAbs !== null && maxAbs <= PIPELINE_MAX_DP && top1 === 1 };
}
