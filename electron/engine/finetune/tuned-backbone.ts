// A backbone carrying a run's fine-tuned blocks: the installed tfjs layers model with the saved
// folded weights written back into its layers (foldBack). Prediction of new images and every
// export start from it, so they compute what the run evaluated.
import type { BackboneSpec } from '../backbones/catalogue.js';
import { loadBackbone, type LoadedBackbone } from '../backbones/load.js';
import { disposeTop, foldBack } from './mobilenet-top.js';
import { FINE_TUNE_JSON, readTunedTop, type TunedRecord } from './tuned-files.js';
import fs from 'node:fs';
import path from 'node:path';

export function hasTunedTop(headDir: string): boolean {
  return fs.existsSync(path.join(headDir, FINE_TUNE_JSON));
}

/** Writes a run's fine-tuned weights (if it has any) into `backbone`; returns what was applied. */
export function applyTunedTop(backbone: LoadedBackbone, headDir: string): TunedRecord | null {
  const tuned = readTunedTop(headDir);
  if (!tuned) return null;
  try {
    if (!backbone.layersModel) throw new Error(`${backbone.spec.name} did not load as a layers model; the run's fine-tuned blocks cannot be applied`);
    foldBack(backbone.layersModel, tuned.weights);
  } finally {
    disposeTop(tuned.weights);
  }
  return tuned.record;
}

/** The run's own backbone (tfjs) when it was fine-tuned, else null (the shared embedder serves). */
export async function loadTunedBackbone(backboneDir: string, spec: BackboneSpec, headDir: string): Promise<LoadedBackbone | null> {
  if (!hasTunedTop(headDir)) return null;
  const backbone = await loadBackbone(backboneDir, spec);
  try {
    applyTunedTop(backbone, headDir);
    return backbone;
  } catch (error) {
    backbone.dispose();
    throw error;
  }
}
