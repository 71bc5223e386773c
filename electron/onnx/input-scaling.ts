// The preprocessing spec's pixel scaling as (x / divisor) - offset. One table serves the ONNX
// prefix and the tfjs side of parity checks, so the two cannot drift apart.
import type { Preprocessing } from '../domain/schemas.js';
import type { OnnxGraph } from './graph.js';

export type Scaling = Preprocessing['scaling'];

export const SCALING: Record<Scaling, { divisor: number; offset: number }> = {
  minus1to1: { divisor: 127.5, offset: 1 },
  zero1: { divisor: 255, offset: 0 },
  raw255: { divisor: 1, offset: 0 },
  teachable: { divisor: 127, offset: 1 },
};

/** Emits the scaling on a graph value (raw 0..255 pixels in) and returns the scaled value's name. */
export function emitInputScaling(g: OnnxGraph, input: string, scaling: Scaling): string {
  const { divisor, offset } = SCALING[scaling];
  let x = input;
  if (divisor !== 1) x = g.node('Div', [x, g.scalar(divisor)], {}, 'image/scaled');
  if (offset !== 0) x = g.node('Sub', [x, g.scalar(offset)], {}, 'image/centred');
  return x;
}

/** The same scaling in plain JS, for the reference side of a parity check. */
export function scalePixelArray(raw: Float32Array, scaling: Scaling): Float32Array {
  const { divisor, offset } = SCALING[scaling];
  return Float32Array.from(raw, (p) => p / divisor - offset);
}
