// Loaded backbones stay loaded in the worker: reading weights and warming a backend costs
// seconds, and a studio trains, predicts and previews with the same backbone again and again.
import { StudioError } from '../../ipc/result.js';
import { currentBackend } from '../backend.js';
import { findBackbone, type BackboneSpec } from '../backbones/catalogue.js';
import { installedDir, readInstall } from '../backbones/model-cache.js';
import { loadBackbone } from '../backbones/load.js';
import type { Embedder } from '../embedder.js';

export interface PooledEmbedder {
  embedder: Embedder;
  skipped: Array<{ engine: string; reason: string }>;
}

/** The installed backbone's spec (imported models are not in the catalogue). */
export function installedBackbone(id: string): { spec: BackboneSpec; dir: string } {
  const record = readInstall(id);
  if (record) return { spec: record.spec, dir: installedDir(id) };
  const known = findBackbone(id);
  if (!known) throw new StudioError('not_found', `There is no backbone "${id}" in the catalogue or the model cache.`);
  const mb = Math.round(known.approxBytes / 1e6);
  throw new StudioError('conflict', `${known.name} is not on this machine yet. Download it (about ${mb} MB) or import its model folder, then train again.`);
}

const pool = new Map<string, Promise<PooledEmbedder>>();

async function open(spec: BackboneSpec, dir: string): Promise<PooledEmbedder> {
  const embedder = await loadBackbone(dir, spec);
  const skipped = (currentBackend()?.skipped ?? []).map((s) => ({ engine: `tfjs-${s.backend}`, reason: s.reason }));
  return { embedder, skipped };
}

export function embedderFor(id: string): Promise<PooledEmbedder> {
  let entry = pool.get(id);
  if (!entry) {
    const { spec, dir } = installedBackbone(id);
    entry = open(spec, dir);
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
