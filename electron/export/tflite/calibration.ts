// The photos an int8 TFLite model is calibrated on: the project's own training photos (never the
// val/test photos its parity is checked on), spread over the classes by content-hash order,
// decoded by the run's preprocessing spec to raw RGB.
import { decodeForModel } from '../../engine/images/decode.js';
import type { Preprocessing } from '../../domain/schemas.js';
import type { Db } from '../../project/database.js';

export const CALIBRATION_IMAGES = 64;

export async function calibrationImages(db: Db, spec: Preprocessing, wanted = CALIBRATION_IMAGES): Promise<{ raw: Float32Array; count: number }> {
  const paths = db
    .prepare(
      `SELECT (SELECT p.path FROM image_paths p WHERE p.image_id = i.id AND p.present = 1 ORDER BY p.id LIMIT 1) AS path
       FROM images i WHERE i.status = 'ok' AND i.split = 'train' AND path IS NOT NULL ORDER BY i.hash LIMIT ?`,
    )
    .pluck()
    .all(wanted * 2) as string[];
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
