// Loaded backbones stay loaded in the worker: reading weights, converting to ONNX and warming a
// runtime cost seconds, and a studio trains, predicts and previews with the same backbone again
// and again.
import { StudioError } from '../domain/result.js';
import { findBackbone, type BackboneSpec } from '../engine/backbones/catalogue.js';
import { installDigest, installedDir, readInstall } from '../engine/backbones/model-cache.js';
import { ensureInstalled } from '../engine/backbones/shipped.js';
import type { Embedder } from '../engine/embedder.js';
import { openEmbedder, type EmbedderReport } from '../engine/embedders/open-embedder.js';
import type { ImageSource } from '../engine/images/decode.js';

export interface PooledEmbedder {
  embedder: Embedder;
  report: EmbedderReport;
}

/** The installed backbone's spec (imported models are not in the catalogue). */
export function installedBackbone(id: string): { spec: BackboneSpec; dir: string; sha256: string } {
  ensureInstalled(id);
  const record = readInstall(id);
  if (record) return { spec: record.spec, dir: installedDir(id), sha256: installDigest(record) };
  const known = findBackbone(id);
  if (!known) throw new StudioError('not_found', `There is no backbone "${id}" in the catalogue or the model cache.`);
  const mb = Math.round(known.approxBytes / 1e6);
  throw new StudioError('conflict', `${known.name} is not on this machine yet. Download it (about ${mb} MB) or import its model folder, then train again.`);
}

const pool = new Map<string, Promise<PooledEmbedder>>();

/** Worker-wide choice (STUDIO_EMBEDDER=tfjs keeps the backbone on tfjs, e.g. for comparisons). */
const onnxAllowed = () => process.env.STUDIO_EMBEDDER !== 'tfjs';

/** `samples` gives a few of the images about to be embedded, to check an ONNX conversion on. */
export function embedderFor(id: string, samples: () => Promise<ImageSource[]>): Promise<PooledEmbedder> {
  let entry = pool.get(id);
  if (!entry) {
    const { spec, dir } = installedBackbone(id);
    entry = openEmbedder(spec, dir, { samples, onnx: onnxAllowed() });
    // A failed load is not cached: the user may fix the model folder and try again.
    entry.catch(() => pool.delete(id));
    pool.set(id, entry);
  }
  return entry;
}

export async function disposeEmbedders(): Promise<void> {
  const entries = [...pool.values()];
  pool.clear();
  for (const entry of entries) {
    try {
      (await entry).embedder.dispose();
    } catch {
      // It never loaded; nothing to free.
    }
  }
}
