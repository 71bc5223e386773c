// A retrain that starts from the previous run's head instead of refitting it from scratch.
// A retrain after a few new labels reuses the head an earlier run chose (final-head.ts); the
// cold refit then trains refitMembers seeded heads for the chosen epochs + 5 each, 3.5x the
// time of the single early-stopped head one click trained before selection (bench:engine).
// The previous run's merged head (same backbone, classes, preprocessing and settings) already
// holds nearly all of that fit, so it is trained WARM_START_EPOCHS more epochs on every current
// training photo instead: about the cost of one member's refit. Deterministic: the same seed,
// the same photos and the same previous head give the same weights.
// Falls back to the cold refit when the previous head is not a fair start: other settings or
// classes, a fine-tuned backbone, another head kind, the same photos as the previous run (then
// the cold refit reproduces the weights a first training on them gives), too many photos
// changed (WARM_START_MAX_CHANGED), or WARM_START_MAX_CHAIN warm starts in a row — warm epochs
// add up, and a removed or relabelled photo's trace in the weights only fades; a cold refit
// now and then clears both.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Db } from '../../project/database.js';
import type { Example } from '../../project/examples.js';
import { photosRelabeledSince } from '../../project/label-history.js';
import { runConfigJson, runFacts, runModelPath } from '../../project/runs.js';
import { fromDisk } from '../model-files.js';
import type { HeadRecord } from './head-record.js';
import { sameCandidate, type HeadCandidate } from './head-selection.js';

/** Epochs a warm-started head trains on the current photos (all of them, every view). */
export const WARM_START_EPOCHS = 1;
/** Warm starts in a row before a retrain refits cold again. */
export const WARM_START_MAX_CHAIN = 3;
/** Largest share of the training photos that may have changed (labelled, relabelled, added, removed) since the previous run. */
export const WARM_START_MAX_CHANGED = 0.25;

/** What a warm-started run records (runs.metrics.head.warmStart). */
export interface WarmStartRecord {
  /** The run whose head this one started from. */
  fromRun: number;
  epochs: number;
  /** Warm starts in a row ending with this run (1 = its base was refit cold). */
  chain: number;
}

/** Run settings that do not shape the head a run keeps: changing them does not stop a warm start. */
const NOT_HEAD_SHAPING = new Set(['outOfFoldK', 'headSearch', 'backboneName', 'fineTuneLearningRate', 'fineTuneEpochs']);

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The run record's fields that shape its head (backbone and its weights, classes, preprocessing, augmentation, training settings), key order aside. */
export function headSignature(runConfig: object): string {
  return canonical(Object.fromEntries(Object.entries(runConfig).filter(([k]) => !NOT_HEAD_SHAPING.has(k))));
}

/** Which photos with which labels a head was fit on, as one digest. */
export function trainingSetDigest(photos: readonly Example[]): string {
  return createHash('sha256')
    .update(
      photos
        .map((e) => `${e.hash}:${e.label}`)
        .sort()
        .join('\n'),
    )
    .digest('hex');
}

export interface WarmBase {
  runId: number;
  signature: string;
  head: Partial<HeadRecord> | null;
  /** The base kept fine-tuned backbone blocks: its head reads other embeddings. */
  fineTuned: boolean;
}

export interface WarmNow {
  signature: string;
  chosen: HeadCandidate;
  trainDigest: string;
  trainImages: number;
  fineTuneBlocks: number;
}

/** Why the retrain may not start from `base`'s head, or null when it may. `relabeled`: photos relabelled since the base run started. */
export function warmStartRefusal(base: WarmBase, now: WarmNow, relabeled: number): string | null {
  const head = base.head;
  if (now.fineTuneBlocks > 0) return 'fine-tuning trains from a cold refit';
  if (!head?.chosen) return `run ${base.runId} recorded no head choice`;
  if (base.fineTuned) return `run ${base.runId} fine-tuned backbone blocks`;
  if (base.signature !== now.signature) return `the settings, backbone, classes or preprocessing changed since run ${base.runId}`;
  if (!sameCandidate(head.chosen, now.chosen)) return `run ${base.runId} kept another head`;
  if (!head.trainDigest || head.labelBookmark == null || head.refitImages == null) return `run ${base.runId} did not record the photos it was fit on`;
  if (head.trainDigest === now.trainDigest) return `the training photos are those of run ${base.runId}`;
  if ((head.warmStart?.chain ?? 0) >= WARM_START_MAX_CHAIN) return `${WARM_START_MAX_CHAIN} retrains in a row started warm`;
  const changed = Math.max(relabeled, Math.abs(now.trainImages - head.refitImages));
  if (changed > WARM_START_MAX_CHANGED * now.trainImages) return `${changed} photos changed since run ${base.runId}`;
  return null;
}

export type WarmStart = { weights: tf.Tensor[]; record: WarmStartRecord } | { refused: string };

/** The weight shapes of a head: hidden units (0: softmax regression) over dim inputs and nClasses outputs. */
function headShapes(dim: number, nClasses: number, hidden: number): number[][] {
  return hidden > 0 ? [[dim, hidden], [hidden], [hidden, nClasses], [nClasses]] : [[dim, nClasses], [nClasses]];
}

/**
 * The previous run's head weights to start from, or why not. `hidden` is the merged head's
 * width (the chosen MLP's units x refit members; 0 for softmax regression).
 */
export async function loadWarmStart(
  db: Db,
  projectDir: string,
  baseRun: number,
  now: WarmNow & { dim: number; nClasses: number; hidden: number },
): Promise<WarmStart> {
  const facts = runFacts(db, baseRun);
  const config = runConfigJson(db, baseRun);
  const modelPath = runModelPath(db, baseRun);
  if (!facts?.metrics || config === undefined || modelPath === null) return { refused: `run ${baseRun} left no head to start from` };
  const metrics = JSON.parse(facts.metrics) as { head?: Partial<HeadRecord>; fineTune?: { kept?: boolean } };
  const head = metrics.head ?? null;
  const refused = warmStartRefusal(
    { runId: baseRun, signature: headSignature(JSON.parse(config) as object), head, fineTuned: metrics.fineTune?.kept === true },
    now,
    head?.labelBookmark == null ? 0 : photosRelabeledSince(db, head.labelBookmark),
  );
  if (refused) return { refused };
  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel(fromDisk(path.join(projectDir, modelPath)));
  } catch (error) {
    return { refused: `run ${baseRun}'s head could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
  const weights = model.getWeights().map((w) => w.clone());
  model.dispose();
  const expected = headShapes(now.dim, now.nClasses, now.hidden);
  if (weights.length !== expected.length || weights.some((w, i) => w.shape.join('x') !== expected[i]!.join('x'))) {
    weights.forEach((w) => w.dispose());
    return { refused: `run ${baseRun}'s head has another shape` };
  }
  return { weights, record: { fromRun: baseRun, epochs: WARM_START_EPOCHS, chain: (metrics.head!.warmStart?.chain ?? 0) + 1 } };
}
