// preprocessing.json beside a .keras model (the studio's Keras export and train.py's output/ hold
// it): the run's preprocessing spec plus the backbone id and the class names, which the .keras
// file itself does not carry. Read without tfjs, so the main process can check a request with it.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { StudioError } from '../../domain/result.js';
import { Preprocessing } from '../../domain/schemas.js';

export const KERAS_SIDE_SPEC = 'preprocessing.json';

export const KerasSideSpec = z.object({
  inputSize: Preprocessing.shape.inputSize,
  resizeMode: Preprocessing.shape.resizeMode,
  scaling: Preprocessing.shape.scaling,
  resampling: Preprocessing.shape.resampling,
  colourProfile: Preprocessing.shape.colourProfile,
  backboneId: z.string().min(1),
  labels: z.array(z.string()).min(2),
});
export type KerasSideSpec = z.infer<typeof KerasSideSpec>;

export function preprocessingOf(side: KerasSideSpec): Preprocessing {
  const { inputSize, resizeMode, scaling, resampling, colourProfile } = side;
  return { inputSize, resizeMode, scaling, ...(resampling ? { resampling } : {}), ...(colourProfile ? { colourProfile } : {}) };
}

/** The side spec of `file` (a .keras path); a clear error when the file or the spec is missing or wrong. */
export function readKerasSideSpec(file: string): KerasSideSpec {
  const resolved = path.resolve(file);
  if (!fs.existsSync(resolved)) throw new StudioError('not_found', `Cannot read ${resolved}: there is no such file.`);
  if (!resolved.toLowerCase().endsWith('.keras')) throw new StudioError('invalid_payload', `${path.basename(resolved)} is not a .keras file (Keras 3's model format; train.py writes output/model.keras).`);
  const sidePath = path.join(path.dirname(resolved), KERAS_SIDE_SPEC);
  if (!fs.existsSync(sidePath)) {
    throw new StudioError('invalid_payload', `${KERAS_SIDE_SPEC} is missing beside ${path.basename(resolved)}: it names the classes and the backbone (the studio's Keras export and train.py's output/ folder both hold it). Keep the folder together.`);
  }
  try {
    return KerasSideSpec.parse(JSON.parse(fs.readFileSync(sidePath, 'utf8')));
  } catch (error) {
    throw new StudioError('invalid_payload', `${sidePath} is not the studio's preprocessing spec (${error instanceof Error ? error.message.split('\n')[0] : String(error)}).`);
  }
}
