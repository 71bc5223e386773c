// "Test an image": a saved run's model (its backbone + head) on images that need not belong to
// the project, through the run's own preprocessing spec — the prediction path an export copies.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import path from 'node:path';
import { StudioError } from '../../domain/result.js';
import type { Db } from '../../project/database.js';
import { runModelPath } from '../../project/runs.js';
import type { Embedder } from '../embedder.js';
import { decodeForModel, scalePixels, type ImageSource } from '../images/decode.js';
import { fromDisk } from '../model-files.js';
import { readRunConfig } from './run.js';
import type { LoadedBackbone } from '../backbones/load.js';
import { installedDir, modelCacheDir, readInstall } from '../backbones/model-cache.js';
import { hasTunedTop, loadTunedBackbone } from '../finetune/tuned-backbone.js';

const BATCH = 16;

export interface ImagePrediction {
  probs: Float32Array | null;
  error: string | null;
}

export interface RunModel {
  runId: number;
  backboneId: string;
  classIds: number[];
  classNames: string[];
  head: tfl.LayersModel;
  preprocessing: ReturnType<typeof readRunConfig>['preprocessing'];
  /** A fine-tuned run's own backbone (its tuned blocks); null = the shared frozen embedder. */
  backbone: LoadedBackbone | null;
}

/** `modelCache`: where the run's backbone is installed (a fine-tuned run loads its own copy). */
export async function loadRunModel(db: Db, projectDir: string, runId: number, modelCache = modelCacheDir()): Promise<RunModel> {
  const modelPath = runModelPath(db, runId);
  if (modelPath === null) throw new StudioError('not_found', `Run ${runId} has no saved model (it did not finish).`);
  const config = readRunConfig(db, runId);
  const headDir = path.resolve(projectDir, modelPath);
  const head = await tfl.loadLayersModel(fromDisk(headDir));
  let backbone: LoadedBackbone | null = null;
  if (hasTunedTop(headDir)) {
    const record = readInstall(config.backboneId, modelCache);
    if (!record) throw new StudioError('conflict', `Run ${runId} fine-tuned ${config.backboneName ?? config.backboneId}, which is not installed any more.`);
    backbone = await loadTunedBackbone(installedDir(config.backboneId, modelCache), record.spec, headDir);
  }
  return { runId, backboneId: config.backboneId, classIds: config.classIds, classNames: config.classNames, head, preprocessing: config.preprocessing, backbone };
}

export async function predictImages(
  model: RunModel,
  embedder: Embedder,
  sources: readonly ImageSource[],
  checkpoint: () => void = () => undefined,
): Promise<ImagePrediction[]> {
  const spec = model.preprocessing;
  const pixels = spec.inputSize * spec.inputSize * 3;
  const k = model.classIds.length;
  const out: ImagePrediction[] = [];
  for (let start = 0; start < sources.length; start += BATCH) {
    checkpoint();
    const slice = sources.slice(start, start + BATCH);
    const decoded = await Promise.all(
      slice.map((source) =>
        decodeForModel(source, spec).then(
          (image) => ({ image, error: null }),
          (error: unknown) => ({ image: null, error: error instanceof Error ? error.message : String(error) }),
        ),
      ),
    );
    const ok = decoded.flatMap((d, i) => (d.image ? [{ i, image: d.image }] : []));
    const results: ImagePrediction[] = decoded.map((d) => ({ probs: null, error: d.error ?? null }));
    if (ok.length) {
      const batch = new Float32Array(ok.length * pixels);
      ok.forEach(({ image }, row) => scalePixels(image.pixels, spec.scaling, batch, row * pixels));
      const vectors = await embedder.embed(batch, ok.length);
      const probs = tf.tidy(() => model.head.predict(tf.tensor2d(vectors, [ok.length, embedder.dim])) as tf.Tensor);
      const values = (await probs.data()) as Float32Array;
      probs.dispose();
      ok.forEach(({ i }, row) => (results[i] = { probs: values.slice(row * k, (row + 1) * k), error: null }));
    }
    out.push(...results);
  }
  return out;
}
