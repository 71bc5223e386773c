// A Teachable Machine model predicting image files in plain Node: decoded by sharp exactly as
// the studio decodes (EXIF orientation, the colour-profile rule of its spec, alpha on white), centre-cropped to its input size
// as Teachable Machine's library does, scaled x / 127 - 1, then the model's own forward pass.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { currentBackend, initBackend } from '../../engine/backend.js';
import { decodeForModel, scalePixels, type ImageSource } from '../../engine/images/decode.js';
import { fromDisk } from '../../engine/model-files.js';
import { StudioError } from '../../domain/result.js';
import { ColourProfile, type Preprocessing } from '../../domain/schemas.js';
import { z } from 'zod';
import { readTeachableFolder, TM_IMAGE_SIZE, TM_PREPROCESSING } from './format.js';

const BATCH = 16;

export interface TeachablePrediction {
  probs: Float32Array | null;
  error: string | null;
}

export interface TeachableModel {
  labels: string[];
  preprocessing: Preprocessing;
  model: tfl.LayersModel;
  predict(sources: readonly ImageSource[], checkpoint?: () => void): Promise<TeachablePrediction[]>;
  dispose(): void;
}

export async function loadTeachableModel(dir: string): Promise<TeachableModel> {
  if (!currentBackend()) await initBackend();
  const folder = readTeachableFolder(dir);
  const labels = folder.metadata.labels;
  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel(fromDisk(dir));
  } catch (error) {
    throw new StudioError('invalid_payload', `The model in ${dir} does not load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const [, h, w, c] = model.inputs[0]!.shape;
  const classes = model.outputs[0]!.shape[1];
  const problem =
    model.inputs.length !== 1 || h !== w || c !== 3 || typeof h !== 'number'
      ? `takes ${JSON.stringify(model.inputs.map((i) => i.shape))}, not one square RGB image`
      : classes !== labels.length
        ? `has ${classes} outputs but metadata.json lists ${labels.length} labels`
        : null;
  if (problem) {
    model.dispose();
    throw new StudioError('invalid_payload', `The model in ${dir} ${problem}.`);
  }
  const preprocessing: Preprocessing = { ...TM_PREPROCESSING, inputSize: h ?? folder.metadata.imageSize ?? TM_IMAGE_SIZE, ...studioColourProfile(folder.metadata.userMetadata) };
  const per = preprocessing.inputSize * preprocessing.inputSize * 3;

  return {
    labels,
    preprocessing,
    model,
    async predict(sources, checkpoint) {
      const out: TeachablePrediction[] = [];
      for (let start = 0; start < sources.length; start += BATCH) {
        checkpoint?.();
        const slice = sources.slice(start, start + BATCH);
        const decoded = await Promise.all(
          slice.map((s) =>
            decodeForModel(s, preprocessing).then(
              (image) => ({ pixels: image.pixels, error: null }),
              (error: unknown) => ({ pixels: null, error: error instanceof Error ? error.message : String(error) }),
            ),
          ),
        );
        const ok = decoded.flatMap((d, i) => (d.pixels ? [{ i, pixels: d.pixels }] : []));
        const results: TeachablePrediction[] = decoded.map((d) => ({ probs: null, error: d.error }));
        if (ok.length) {
          const batch = new Float32Array(ok.length * per);
          ok.forEach(({ pixels }, row) => scalePixels(pixels, preprocessing.scaling, batch, row * per));
          const probs = tf.tidy(() => model.predict(tf.tensor4d(batch, [ok.length, preprocessing.inputSize, preprocessing.inputSize, 3])) as tf.Tensor);
          const values = (await probs.data()) as Float32Array;
          probs.dispose();
          ok.forEach(({ i }, row) => (results[i] = { probs: values.slice(row * labels.length, (row + 1) * labels.length), error: null }));
        }
        out.push(...results);
      }
      return out;
    },
    dispose: () => void model.dispose(),
  };
}

/** Loads, predicts and frees: the one-call form for scripts and the CLI. */
export async function predictTeachableFiles(dir: string, files: readonly string[]): Promise<Array<{ file: string; label: string | null; probs: number[] | null; error: string | null }>> {
  const tm = await loadTeachableModel(dir);
  try {
    const predictions = await tm.predict(files);
    return predictions.map((p, i) => {
      if (!p.probs) return { file: files[i]!, label: null, probs: null, error: p.error };
      let best = 0;
      p.probs.forEach((v, c) => (v > p.probs![best]! ? (best = c) : undefined));
      return { file: files[i]!, label: tm.labels[best]!, probs: Array.from(p.probs), error: null };
    });
  } finally {
    tm.dispose();
  }
}

/** What the studio records in an export's userMetadata, of which only the colour rule matters here. */
const StudioUserMetadata = z.object({ preprocessing: z.object({ colourProfile: ColourProfile }) });

/**
 * A model the studio exported decodes photos by the colour-profile rule its run trained with
 * (new projects ignore embedded profiles). One from Teachable Machine itself saw browser-decoded
 * pixels, converted to sRGB: TM_PREPROCESSING's rule (no field means 'convert').
 */
function studioColourProfile(userMetadata: unknown): Pick<Preprocessing, 'colourProfile'> {
  const recorded = StudioUserMetadata.safeParse(userMetadata);
  return recorded.success ? { colourProfile: recorded.data.preprocessing.colourProfile } : {};
}
