// The photos an int8 TFLite model is calibrated on: the project's own training photos (never the
// val/test photos its parity is checked on), spread over the classes by content-hash order,
// decoded by the run's preprocessing spec to raw RGB.
import { decodeForModel } from '../../engine/images/decode.js';
import type { Preprocessing } from '../../domain/schemas.js';
import type { Db } from '../../project/database.js';
import { trainImagePaths } from '../../project/images.js';

export const CALIBRATION_IMAGES = 64;

export async function calibrationImages(db: Db, spec: Preprocessing, wanted = CALIBRATION_IMAGES): Promise<{ raw: Float32Array; count: number }> {
  const paths = trainImagePaths(db, wanted * 2);
  const per = spec.inputSize * spec.inputSize * 3;
  const chosen: Uint8Array[] = [];
  for (const file of paths) {
    if (chosen.length >= wanted) break;
    const decoded = await decodeForModel(file, spec).catch(() => null);
    if (decoded) chosen.push(decoded.pixels);
  }
  const raw = new Float32Array(chosen.length * per);
  chosen.forEach((p, i) => raw.set(p, i * per));
  return { raw, count: chosen.length };
}
