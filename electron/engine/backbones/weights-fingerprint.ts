// A backbone's identity by content: the multiset of its weight tensors (shape + bytes), whatever
// the files are called, however the shards are cut and whatever the layers are named. Two
// folders with the same fingerprint compute the same function for the same topology, so an
// import of weights the catalogue already knows becomes that entry instead of a copy.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { readModelJson, weightFiles } from '../model-files.js';

function bytesPerValue(entry: { dtype: string; quantization?: { dtype: string } }): number {
  if (entry.quantization) return entry.quantization.dtype === 'uint8' ? 1 : 2;
  return entry.dtype === 'bool' ? 1 : 4;
}

/** sha256 over the sorted per-tensor digests of a TF.js model folder. */
export function weightsFingerprint(dir: string): string {
  const model = readModelJson(dir);
  const files = weightFiles(dir, model);
  const tensors: string[] = [];
  let fileIndex = 0;
  for (const group of model.weightsManifest) {
    const data = Buffer.concat(group.paths.map(() => fs.readFileSync(files[fileIndex++]!)));
    let offset = 0;
    for (const w of group.weights) {
      const length = w.shape.reduce((a, b) => a * b, 1) * bytesPerValue(w);
      const digest = createHash('sha256').update(data.subarray(offset, offset + length)).digest('hex');
      tensors.push(`${w.shape.join('x')}:${digest}`);
      offset += length;
    }
  }
  return createHash('sha256').update(tensors.sort().join('\n')).digest('hex');
}
