// The frame every conversion shares: an NHWC float32 `image` input, the optional scaling prefix,
// the source model's body, a named output in TF layout, folding, and the metadata.
import type { Preprocessing } from '../domain/schemas.js';
import { encodeModel } from './encode.js';
import { OnnxConversionError } from './errors.js';
import { foldAffineIntoConv } from './fold-affine.js';
import { attr, OnnxGraph } from './graph.js';
import { emitInputScaling } from './input-scaling.js';
import { asTf, formatShape, type Shape, type Value } from './layout.js';
import { metadataProps, PRODUCER_NAME, PRODUCER_VERSION, type InputScaling, type OnnxModelMetadata, type OutputKind } from './metadata.js';

export interface OnnxExportOptions {
  /** Recorded in the metadata; with inputScaling 'in-model' its scaling becomes the graph's first ops. */
  preprocessing: Preprocessing;
  /**
   * 'in-model' (default): the model takes raw 0..255 RGB pixels and scales them itself, so an
   * exported file cannot be fed wrongly scaled input. 'external': the caller scales.
   */
  inputScaling?: InputScaling;
  labels?: string[];
  /** Default: 'probabilities' when the graph ends in a softmax, else 'embedding'. */
  outputKind?: OutputKind;
  /** Output tensor name; default: the output kind. */
  outputName?: string;
  /** Input tensor name; default 'image'. */
  inputName?: string;
  /** Flatten the output to [N, features] (e.g. a [N, 1, 1, C] pooled graph node). */
  flattenOutput?: boolean;
  docString?: string;
}

export interface OnnxModel {
  bytes: Uint8Array;
  inputName: string;
  outputName: string;
  /** NHWC, batch first (symbolic). */
  inputShape: [string, number, number, number];
  outputShape: Array<number | string>;
  metadata: OnnxModelMetadata;
}

/** Whether `value` is a softmax, possibly reshaped afterwards (Keras MobileNet's head is). */
function endsInSoftmax(g: OnnxGraph, value: string): boolean {
  const node = g.producer(value);
  if (!node) return false;
  if (node.opType === 'Softmax') return true;
  return ['Reshape', 'Flatten', 'Squeeze', 'Transpose'].includes(node.opType) && endsInSoftmax(g, node.inputs[0]!);
}

export function assembleModel(
  source: string,
  inputShape: Shape,
  options: OnnxExportOptions,
  body: (g: OnnxGraph, image: Value) => Value,
): OnnxModel {
  const size = options.preprocessing.inputSize;
  const [, h, w, c] = inputShape;
  if (inputShape.length !== 4) throw new OnnxConversionError(`${source}: expected an image input [N, H, W, C], got ${formatShape(inputShape)}.`);
  if ((h != null && h !== size) || (w != null && w !== size)) {
    throw new OnnxConversionError(`${source}: the model takes ${h}x${w} images, the preprocessing spec says ${size}x${size}.`);
  }
  if (typeof c !== 'number') throw new OnnxConversionError(`${source}: the input's channel count is unknown.`);

  const g = new OnnxGraph();
  const inputName = g.addInput(options.inputName ?? 'image', ['batch', size, size, c]);
  const inputScaling = options.inputScaling ?? 'in-model';
  const scaled = inputScaling === 'in-model' ? emitInputScaling(g, inputName, options.preprocessing.scaling) : inputName;

  let out = asTf(g, body(g, { name: scaled, layout: 'tf', shape: [null, size, size, c] }), 'output');
  if (out.name === inputName || out.name === scaled) throw new OnnxConversionError(`${source}: the model computes nothing from its input.`);
  if (options.flattenOutput && out.shape.length > 2) {
    const features = out.shape.slice(1).reduce<number>((a, d) => a * (d ?? NaN), 1);
    out = { name: g.node('Flatten', [out.name], { axis: attr.int(1) }, 'output/flatten'), layout: 'tf', shape: [null, features] };
  }
  const outputKind = options.outputKind ?? (endsInSoftmax(g, out.name) ? 'probabilities' : 'embedding');
  const outputName = options.outputName ?? outputKind;
  const outputShape = out.shape.map((d, i) => (i === 0 ? 'batch' : (d ?? `d${i}`)));
  const classes = out.shape[out.shape.length - 1];
  if (options.labels && outputKind !== 'embedding' && options.labels.length !== classes) {
    throw new OnnxConversionError(`${source}: ${options.labels.length} labels for ${classes} outputs.`);
  }
  g.addOutput(out.name, outputName, outputShape);
  foldAffineIntoConv(g);

  const metadata: OnnxModelMetadata = { labels: options.labels ?? null, preprocessing: options.preprocessing, inputScaling, outputKind, source };
  const bytes = encodeModel(g, {
    graphName: source.replace(/[^A-Za-z0-9_.-]/g, '_'),
    producerName: PRODUCER_NAME,
    producerVersion: PRODUCER_VERSION,
    docString: options.docString,
    metadata: metadataProps(metadata),
  });
  return { bytes, inputName, outputName, inputShape: ['batch', size, size, c], outputShape, metadata };
}
