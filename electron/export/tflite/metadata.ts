// What a .tflite export says about itself, in the model's own metadata (Model.metadata entry
// "transfer_studio", UTF-8 JSON): the labels, the preprocessing spec and how the input is fed,
// so the file alone is enough to use it. The same facts are in labels.txt and preprocessing.json.
import pkg from '../../../package.json' with { type: 'json' };
import { Preprocessing } from '../../domain/schemas.js';
import type { ReadTflite } from './read.js';

export const METADATA_NAME = 'transfer_studio';

export interface TfliteMetadata {
  producer: string;
  labels: string[];
  preprocessing: Preprocessing;
  /** How the input tensor is fed, in words. */
  input: string;
  /** float32, float16 (weights) or int8 (full integer). */
  precision: 'float32' | 'float16' | 'int8';
}

export function encodeMetadata(m: Omit<TfliteMetadata, 'producer'>): Record<string, Uint8Array> {
  const value: TfliteMetadata = { producer: `${pkg.productName} ${pkg.version}`, ...m };
  return { [METADATA_NAME]: new TextEncoder().encode(JSON.stringify(value)) };
}

export function readMetadata(model: ReadTflite): TfliteMetadata {
  const bytes = model.metadata[METADATA_NAME];
  if (!bytes) throw new Error(`This .tflite file has no "${METADATA_NAME}" metadata; it was not exported by ${pkg.productName}.`);
  const parsed = JSON.parse(new TextDecoder().decode(bytes)) as TfliteMetadata;
  return { ...parsed, preprocessing: Preprocessing.parse(parsed.preprocessing) };
}
