// The embedding ladder: native TensorFlow (tfjs-node) → onnxruntime-node (the backbone
// converted once by our ONNX writer, parity-checked) → tfjs on wasm → cpu. The head always
// trains in tfjs; only the frozen backbone moves. Every rung passed over says why.
import type { Preprocessing } from '../../domain/schemas.js';
import { currentBackend } from '../backend.js';
import type { BackboneSpec } from '../backbones/catalogue.js';
import { loadBackbone } from '../backbones/load.js';
import type { Embedder } from '../embedder.js';
import { decodeForModel, scalePixels, type ImageSource } from '../images/decode.js';
import { loadOnnxRuntime, type OrtAvailability } from '../onnx-runner.js';
import { buildOnnxBackbone, cachedOnnxBackbone, type ConvertBackbone, type ParitySamples } from './onnx-backbone.js';
import type { OnnxRecord } from './onnx-record.js';
import { onnxEmbedder } from './onnx-embedder.js';

export interface EmbedderReport {
  engine: Embedder['engine'];
  skipped: Array<{ engine: string; reason: string }>;
  /** The ONNX conversion's record (parity figures, or why it is not used); null if not tried. */
  onnx: OnnxRecord | null;
}

export interface OpenEmbedderOptions {
  /** Images to check an ONNX conversion on (a handful of the images about to be embedded). */
  samples: () => Promise<ImageSource[]>;
  /** Skip onnxruntime (tests, benchmarks, or a user who wants the tfjs path). */
  onnx?: boolean;
  loadRuntime?: () => Promise<OrtAvailability>;
  /** Replaces the conversion (tests inject a failure). */
  convert?: ConvertBackbone;
  threads?: number;
}

const PARITY_IMAGES = 8;

async function paritySamples(sources: ImageSource[], preprocessing: Preprocessing): Promise<ParitySamples> {
  const size = preprocessing.inputSize * preprocessing.inputSize * 3;
  const decoded = (await Promise.all(sources.slice(0, PARITY_IMAGES * 2).map((s) => decodeForModel(s, preprocessing).catch(() => null)))).filter(
    (d): d is NonNullable<typeof d> => d !== null,
  );
  const used = decoded.slice(0, PARITY_IMAGES);
  const scaled = new Float32Array(used.length * size);
  used.forEach((d, i) => scalePixels(d.pixels, preprocessing.scaling, scaled, i * size));
  return { scaled, count: used.length };
}

export async function openEmbedder(spec: BackboneSpec, dir: string, options: OpenEmbedderOptions): Promise<{ embedder: Embedder; report: EmbedderReport }> {
  const backend = currentBackend();
  const skipped: EmbedderReport['skipped'] = (backend?.skipped ?? []).map((s) => ({ engine: `tfjs-${s.backend}`, reason: s.reason }));
  const tfBackbone = await loadBackbone(dir, spec);
  if (backend?.name === 'tensorflow') return { embedder: tfBackbone, report: { engine: tfBackbone.engine, skipped, onnx: null } };

  const tfjs = (reason: string, onnx: OnnxRecord | null) => {
    skipped.push({ engine: 'onnxruntime', reason });
    return { embedder: tfBackbone, report: { engine: tfBackbone.engine, skipped, onnx } };
  };
  if (options.onnx === false) return tfjs('not requested', null);
  const runtime = await (options.loadRuntime ?? loadOnnxRuntime)();
  if (!runtime.ok) return tfjs(runtime.reason, null);

  // The preprocessing only fills the model's metadata; the embedder is fed scaled pixels.
  const preprocessing: Preprocessing = { inputSize: spec.input.size, resizeMode: 'squash', scaling: spec.input.scaling };
  try {
    let onnx = await cachedOnnxBackbone(spec, dir);
    if (!onnx) {
      const samples = await paritySamples(await options.samples(), preprocessing);
      onnx = await buildOnnxBackbone(spec, dir, tfBackbone, preprocessing, samples, {
        ...(options.threads ? { threads: options.threads } : {}),
        ...(options.convert ? { convert: options.convert } : {}),
      });
    }
    if (!onnx.bytes) return tfjs(onnx.record.reason ?? 'the ONNX conversion is not usable', onnx.record);
    const embedder = await onnxEmbedder(spec, onnx.bytes, tfBackbone.dim, options.threads ? { threads: options.threads } : {});
    tfBackbone.dispose();
    return { embedder, report: { engine: embedder.engine, skipped, onnx: onnx.record } };
  } catch (error) {
    return tfjs(`onnxruntime failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, null);
  }
}
