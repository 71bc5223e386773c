// The Teachable Machine image-model format, as its own exports lay it out (see the fixture
// tm-mobilenet_v2_0.35_224-truncated): model.json holding only modelTopology and
// weightsManifest, one weights.bin, and metadata.json with exactly these keys. Its library
// (@teachablemachine/image) centre-crops to 224x224 and feeds x / 127 - 1.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readModelJson, weightFiles } from '../../engine/model-files.js';
import { StudioError } from '../../domain/result.js';
import type { Preprocessing } from '../../domain/schemas.js';

export const TM_FILES = { model: 'model.json', weights: 'weights.bin', metadata: 'metadata.json' } as const;

/** Teachable Machine's library crops every image to this size, whatever the metadata says. */
export const TM_IMAGE_SIZE = 224;

// Teachable Machine's library crops with its own arithmetic and resizes on a canvas (bilinear):
// the studio's 'bilinear' spec reproduces exactly that, so an imported model predicts here as it
// does in Teachable Machine (and a studio run of that spec, exported and imported, as it did).
export const TM_PREPROCESSING: Preprocessing = { inputSize: TM_IMAGE_SIZE, resizeMode: 'center-crop', scaling: 'teachable', resampling: 'bilinear' };

/** The keys of metadata.json, in Teachable Machine's order. */
export const TM_METADATA_KEYS = ['tfjsVersion', 'tmVersion', 'packageVersion', 'packageName', 'timeStamp', 'userMetadata', 'modelName', 'labels', 'imageSize'] as const;

/** The Teachable Machine release whose layout these exports follow. */
export const TM_LAYOUT_VERSION = { tmVersion: '2.4.4', packageName: '@teachablemachine/image', packageVersion: '0.8.4-alpha2' } as const;

export const TeachableMetadata = z.object({
  tfjsVersion: z.string().optional(),
  tmVersion: z.string().optional(),
  packageVersion: z.string().optional(),
  packageName: z.string().optional(),
  timeStamp: z.string().optional(),
  userMetadata: z.unknown().optional(),
  modelName: z.string().optional(),
  labels: z.array(z.string()).min(1, 'metadata.json lists no labels'),
  imageSize: z.int().positive().optional(),
});
export type TeachableMetadata = z.infer<typeof TeachableMetadata>;

export interface TeachableFolder {
  dir: string;
  metadata: TeachableMetadata;
  /** Every file of the model, relative to the folder (model.json, weights, metadata.json). */
  files: string[];
}

/** Reads and checks a Teachable Machine export folder without loading the model. */
export function readTeachableFolder(dir: string): TeachableFolder {
  const metadataFile = path.join(dir, TM_FILES.metadata);
  if (!fs.existsSync(path.join(dir, TM_FILES.model))) throw new StudioError('invalid_payload', `${dir} has no ${TM_FILES.model}: it is not a Teachable Machine export.`);
  if (!fs.existsSync(metadataFile)) throw new StudioError('invalid_payload', `${dir} has no ${TM_FILES.metadata}: a Teachable Machine export keeps its class labels there.`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(metadataFile, 'utf8'));
  } catch (error) {
    throw new StudioError('invalid_payload', `${metadataFile} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = TeachableMetadata.safeParse(raw);
  if (!parsed.success) throw new StudioError('invalid_payload', `${metadataFile} is not Teachable Machine metadata: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')}`);
  const model = readModelJson(dir);
  const weights = weightFiles(dir, model).map((f) => path.relative(path.resolve(dir), f));
  for (const w of weights) if (!fs.existsSync(path.join(dir, w))) throw new StudioError('invalid_payload', `${dir} is missing the weight file ${w} that model.json names.`);
  return { dir, metadata: parsed.data, files: [TM_FILES.model, ...weights, TM_FILES.metadata] };
}
