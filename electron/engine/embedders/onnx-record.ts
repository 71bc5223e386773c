// The record of a backbone's ONNX conversion, kept beside it in the model cache. Plain data:
// the main process reads it to show the check's result without loading any model.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const ONNX_FILE = 'backbone.onnx';
export const ONNX_RECORD = 'backbone.onnx.json';

export const OnnxRecord = z.object({
  /** What the conversion was made from: the install's model.json digest and the writer version. */
  source: z.string(),
  writer: z.string(),
  createdAt: z.string(),
  ok: z.boolean(),
  /** Why the ONNX path is not used (conversion error or failed parity), when !ok. */
  reason: z.string().nullable(),
  onnxSha256: z.string().nullable(),
  parity: z
    .object({ images: z.int(), maxAbs: z.number(), scale: z.number(), maxRel: z.number(), target: z.string(), passed: z.boolean() })
    .nullable(),
});
export type OnnxRecord = z.infer<typeof OnnxRecord>;

export function readOnnxRecord(dir: string): OnnxRecord | null {
  try {
    return OnnxRecord.parse(JSON.parse(fs.readFileSync(path.join(dir, ONNX_RECORD), 'utf8')));
  } catch {
    return null;
  }
}
