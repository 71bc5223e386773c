// What a model export is made from: a finished run's saved head, the backbone it was trained on
// (from the model cache) and the run's own preprocessing spec and class order.
import path from 'node:path';
import { findBackbone, type BackboneSpec } from '../../engine/backbones/catalogue.js';
import { installDigest, installedDir, readInstall } from '../../engine/backbones/model-cache.js';
import { ensureInstalled } from '../../engine/backbones/shipped.js';
import { readRunConfig, type RunRecordConfig } from '../../engine/training/run.js';
import { StudioError } from '../../domain/result.js';
import type { Preprocessing } from '../../domain/schemas.js';
import type { Db } from '../../project/database.js';
import { modelRunId, runModel } from '../../project/models.js';
import { requireFinishedRun } from '../../project/predictions.js';

export interface ModelSource {
  runId: number;
  modelId: number;
  /** The saved head (model.json, weights, labels.json, preprocessing.json). */
  headDir: string;
  classIds: number[];
  classNames: string[];
  preprocessing: Preprocessing;
  backbone: BackboneSpec;
  backboneDir: string;
  config: RunRecordConfig;
}

export interface ModelRef {
  runId?: number | undefined;
  modelId?: number | undefined;
}

/** The run a model reference names: the model's own run, the run asked for, or (null) the newest finished one. */
function runOf(db: Db, ref: ModelRef): number | null {
  if (ref.modelId !== undefined) {
    const runId = modelRunId(db, ref.modelId);
    if (runId === undefined) throw new StudioError('not_found', `There is no model ${ref.modelId}.`);
    if (runId === null) throw new StudioError('conflict', `Model ${ref.modelId} was imported, not trained in this project; its own folder is already an export.`);
    if (ref.runId !== undefined && ref.runId !== runId) throw new StudioError('invalid_payload', `Model ${ref.modelId} belongs to run ${runId}, not run ${ref.runId}.`);
    return runId;
  }
  return ref.runId ?? null;
}

export function resolveModelSource(db: Db, projectDir: string, modelCacheDir: string, ref: ModelRef): ModelSource {
  const runId = requireFinishedRun(db, runOf(db, ref), 'export a finished run');
  const model = runModel(db, runId, ref.modelId);
  if (!model) throw new StudioError('not_found', `Run ${runId} has no saved model.`);
  const config = readRunConfig(db, runId);

  // The shipped backbone installs itself here too (an export on a fresh cache, after a removal).
  ensureInstalled(config.backboneId, modelCacheDir);
  const record = readInstall(config.backboneId, modelCacheDir);
  const known = findBackbone(config.backboneId);
  if (!record) {
    if (!known) throw new StudioError('not_found', `Run ${runId} was trained on backbone "${config.backboneId}", which is neither installed nor in the catalogue.`);
    throw new StudioError('conflict', `Run ${runId} was trained on ${known.name}, which is not on this machine any more. Download it or import its folder, then export.`);
  }
  // An export joins the head to the backbone the run really used, never to other weights under the same id.
  if (config.backboneSha256 && installDigest(record) !== config.backboneSha256) {
    throw new StudioError('conflict', `Run ${runId} was trained on ${config.backboneName ?? record.spec.name} with files of sha256 ${config.backboneSha256.slice(0, 12)}…, but the installed copy differs (${installDigest(record).slice(0, 12)}…). Install the same files (Backbones: import the folder it was trained on), then export.`);
  }
  return {
    runId,
    modelId: model.id,
    headDir: path.resolve(projectDir, model.path),
    classIds: config.classIds,
    classNames: config.classNames,
    preprocessing: config.preprocessing,
    backbone: record.spec,
    backboneDir: installedDir(config.backboneId, modelCacheDir),
    config,
  };
}
