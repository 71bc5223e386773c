// What an exported .onnx says about itself (ModelProto.metadata_props), so the file alone is
// enough to use it correctly: class labels, the preprocessing spec, and whether the pixel scaling
// is inside the model (feed raw 0..255 RGB) or left to the caller.
import pkg from '../../package.json' with { type: 'json' };
import { Preprocessing } from '../domain/schemas.js';
import { decodeModel } from './encode.js';

export type OutputKind = 'embedding' | 'probabilities' | 'logits';
export type InputScaling = 'in-model' | 'external';

export const PRODUCER_NAME = pkg.productName;
export const PRODUCER_VERSION = pkg.version;

export interface OnnxModelMetadata {
  labels: string[] | null;
  preprocessing: Preprocessing;
  inputScaling: InputScaling;
  outputKind: OutputKind;
  /** The model it was converted from (name, format), for the model card. */
  source: string;
}

const KEYS = {
  labels: 'labels',
  preprocessing: 'preprocessing',
  inputScaling: 'input_scaling',
  inputLayout: 'input_layout',
  outputKind: 'output_kind',
  source: 'source',
} as const;

export const INPUT_LAYOUT = 'NHWC float32 RGB';

export function metadataProps(m: OnnxModelMetadata): Record<string, string> {
  return {
    ...(m.labels ? { [KEYS.labels]: JSON.stringify(m.labels) } : {}),
    [KEYS.preprocessing]: JSON.stringify(m.preprocessing),
    [KEYS.inputScaling]: m.inputScaling,
    [KEYS.inputLayout]: INPUT_LAYOUT,
    [KEYS.outputKind]: m.outputKind,
    [KEYS.source]: m.source,
  };
}

export interface ReadMetadata extends OnnxModelMetadata {
  producerName: string;
  producerVersion: string;
  opset: number;
  inputLayout: string;
  props: Record<string, string>;
}

/** Reads our metadata back from .onnx bytes; throws if the file was not written by this writer. */
export function readOnnxMetadata(bytes: Uint8Array): ReadMetadata {
  const model = decodeModel(bytes);
  const props = Object.fromEntries(model.metadataProps.map((p) => [p.key ?? '', p.value ?? '']));
  const need = (key: string) => {
    const v = props[key];
    if (v === undefined) throw new Error(`This ONNX file has no "${key}" metadata; it was not exported by ${PRODUCER_NAME}.`);
    return v;
  };
  const labelsJson = props[KEYS.labels];
  const labels = labelsJson === undefined ? null : (JSON.parse(labelsJson) as string[]);
  return {
    labels,
    preprocessing: Preprocessing.parse(JSON.parse(need(KEYS.preprocessing))),
    inputScaling: need(KEYS.inputScaling) as InputScaling,
    outputKind: need(KEYS.outputKind) as OutputKind,
    source: props[KEYS.source] ?? '',
    inputLayout: props[KEYS.inputLayout] ?? '',
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    opset: Number(model.opsetImport.find((o) => !o.domain)?.version ?? 0),
    props,
  };
}
