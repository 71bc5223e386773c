// A fine-tuned run's block weights beside its saved head: fine-tune.json (which layers, the cut,
// the weight specs) and fine-tune.bin (float32, the tfjs weights encoding). Folded weights are
// stored; loading writes them back into a backbone's layers model (foldBack), which is all
// prediction, evaluation and every exporter need.
import * as tf from '@tensorflow/tfjs-core';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { FoldedTop, TopPlan } from './mobilenet-top.js';

export const FINE_TUNE_JSON = 'fine-tune.json';
const FINE_TUNE_BIN = 'fine-tune.bin';

const TunedRecord = z.object({
  version: z.literal(1),
  backboneId: z.string(),
  blocks: z.int().min(1),
  cutLayer: z.string(),
  convs: z.array(z.string()).min(1),
  bestEpoch: z.int().min(0),
  weightSpecs: z.array(z.object({ name: z.string(), shape: z.array(z.int()), dtype: z.literal('float32') })),
});
export type TunedRecord = z.infer<typeof TunedRecord>;

export async function saveTunedTop(dir: string, plan: TopPlan, weights: FoldedTop, meta: { backboneId: string; blocks: number; bestEpoch: number }): Promise<void> {
  const named: tf.NamedTensorMap = {};
  for (const name of plan.convs) {
    const w = weights.get(name)!;
    named[`${name}/kernel`] = w.kernel;
    named[`${name}/bias`] = w.bias;
  }
  const { data, specs } = await tf.io.encodeWeights(named);
  const record: TunedRecord = { version: 1, ...meta, cutLayer: plan.cutLayer, convs: plan.convs, weightSpecs: specs.map((s) => ({ name: s.name, shape: s.shape, dtype: 'float32' as const })) };
  fs.writeFileSync(path.join(dir, FINE_TUNE_BIN), new Uint8Array(data as ArrayBuffer));
  // The record last: a folder with a record always has its weights.
  fs.writeFileSync(path.join(dir, FINE_TUNE_JSON), JSON.stringify(record, null, 2));
}

/** The fine-tuned weights saved with a run's head, or null for a frozen-backbone run. */
export function readTunedTop(dir: string): { record: TunedRecord; weights: FoldedTop } | null {
  const file = path.join(dir, FINE_TUNE_JSON);
  if (!fs.existsSync(file)) return null;
  const record = TunedRecord.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  const bin = fs.readFileSync(path.join(dir, FINE_TUNE_BIN));
  const buffer = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  const tensors = tf.io.decodeWeights(buffer, record.weightSpecs);
  const weights: FoldedTop = new Map();
  for (const name of record.convs) {
    const kernel = tensors[`${name}/kernel`];
    const bias = tensors[`${name}/bias`];
    if (!kernel || !bias) throw new Error(`${file} lacks the weights of ${name}`);
    weights.set(name, { kernel, bias: bias as tf.Tensor1D });
  }
  return { record, weights };
}
