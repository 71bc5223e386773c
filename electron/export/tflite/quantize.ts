// float16 weights for a TFLite model, the way the TFLite converter writes them: every float32
// constant of more than one value stored as float16, turned back into float32 by a DEQUANTIZE
// op at the start of the graph, so kernels compute in float32 and the file is half the size.
import { toFloat16 } from '../../engine/embeddings/float16.js';
import { bytesOf, float32Of, type TfliteGraph } from './graph.js';

export function toFloat16Weights(g: TfliteGraph): void {
  const dequantize: TfliteGraph['ops'] = [];
  const constants = g.tensors.map((t, i) => ({ t, i })).filter(({ t }) => t.data && t.type === 'FLOAT32' && t.shape.reduce((a, d) => a * d, 1) > 1);
  for (const { t, i } of constants) {
    const half = g.tensor(`${t.name}/float16`, t.shape, 'FLOAT16', bytesOf(toFloat16(float32Of(t.data!))));
    // The float32 tensor stays where the ops read it, now computed rather than stored.
    t.data = null;
    dequantize.push({ op: 'DEQUANTIZE', inputs: [half], outputs: [i], options: null });
  }
  g.ops.unshift(...dequantize);
}
