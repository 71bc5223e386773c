// The images a model export is checked on: the project's own photos, from the val split first
// (then test, then train), in content-hash order so that every class shows up rather than the
// first folder imported. Each is decoded once, by the run's preprocessing spec, to raw RGB.
import { decodeForModel } from '../../engine/images/decode.js';
import type { Preprocessing } from '../../domain/schemas.js';
import type { Db } from '../../project/database.js';
import { sampleCandidates } from '../../project/images.js';
import { storedProbsReader } from '../../project/predictions.js';

export interface SampleImages {
  count: number;
  /** count × size × size × 3 raw RGB values 0..255, NHWC. */
  raw: Float32Array;
  images: Array<{ imageId: number; path: string }>;
  /** The splits the samples came from, in order: "val", "val+train", ... */
  split: string;
  /** Candidates that could not be decoded (missing or broken files). */
  unreadable: number;
}

const DECODE_IN_FLIGHT = 8;

interface Candidate {
  imageId: number;
  path: string;
  split: string;
}

const candidates = (db: Db, limit: number): Candidate[] => sampleCandidates(db, limit);

export async function sampleImages(db: Db, spec: Preprocessing, wanted: number, checkpoint: () => void = () => undefined): Promise<SampleImages> {
  const pool = candidates(db, wanted * 2 + DECODE_IN_FLIGHT);
  const per = spec.inputSize * spec.inputSize * 3;
  const chosen: Array<Candidate & { pixels: Uint8Array }> = [];
  let unreadable = 0;
  for (let start = 0; start < pool.length && chosen.length < wanted; start += DECODE_IN_FLIGHT) {
    checkpoint();
    const batch = pool.slice(start, start + DECODE_IN_FLIGHT);
    const decoded = await Promise.all(batch.map((c) => decodeForModel(c.path, spec).then((d) => d.pixels, () => null)));
    decoded.forEach((pixels, i) => {
      if (!pixels) unreadable++;
      else if (chosen.length < wanted) chosen.push({ ...batch[i]!, pixels });
    });
  }
  const raw = new Float32Array(chosen.length * per);
  chosen.forEach((c, i) => raw.set(c.pixels, i * per));
  return {
    count: chosen.length,
    raw,
    images: chosen.map((c) => ({ imageId: c.imageId, path: c.path })),
    split: [...new Set(chosen.map((c) => c.split))].join('+'),
    unreadable,
  };
}

/** The run's stored probabilities for these images, NaN rows where it has none. */
export function storedPredictions(db: Db, runId: number, imageIds: readonly number[], classes: number): Float32Array {
  const out = new Float32Array(imageIds.length * classes).fill(Number.NaN);
  const get = storedProbsReader(db, runId);
  imageIds.forEach((id, row) => {
    const blob = get(id);
    if (!blob || blob.byteLength !== classes * 4) return;
    out.set(new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength)), row * classes);
  });
  return out;
}
