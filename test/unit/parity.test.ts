// The parity statistics every export check and the ONNX embedding gate rely on.
import { describe, expect, it } from 'vitest';
import { compareOutputs, judgeParity } from '../../electron/onnx/output-parity.js';

describe('parity statistics', () => {
  it('measures max |Δ|, scale and top-1 agreement per example', () => {
    const reference = Float32Array.of(0.7, 0.2, 0.1, 0.1, 0.3, 0.6);
    const candidate = Float32Array.of(0.70002, 0.19998, 0.1, 0.1, 0.6, 0.3);
    const stats = compareOutputs(reference, candidate, 2, true);
    expect(stats.maxAbs).toBeCloseTo(0.3, 6);
    expect(stats.scale).toBeCloseTo(0.7, 6);
    expect(stats.top1Agreement).toBe(0.5);
    expect(judgeParity(stats, 'probabilities').passed).toBe(false);
  });

  it('passes probabilities only within 1e-4 and with every top-1 equal', () => {
    const reference = Float32Array.of(0.6, 0.4, 0.2, 0.8);
    expect(judgeParity(compareOutputs(reference, Float32Array.of(0.60005, 0.39995, 0.2, 0.8), 2, true), 'probabilities').passed).toBe(true);
    expect(judgeParity(compareOutputs(reference, Float32Array.of(0.6002, 0.3998, 0.2, 0.8), 2, true), 'probabilities').passed).toBe(false);
  });

  it('judges embeddings relative to their scale', () => {
    const reference = Float32Array.of(10, -20, 5, 0);
    expect(judgeParity(compareOutputs(reference, Float32Array.of(10.001, -20, 5, 0), 1, false), 'embedding').passed).toBe(true);
    expect(judgeParity(compareOutputs(reference, Float32Array.of(10.003, -20, 5, 0), 1, false), 'embedding').passed).toBe(false);
  });

  it('fails on NaN and on mismatched sizes instead of passing silently', () => {
    const stats = compareOutputs(Float32Array.of(1, 2), Float32Array.of(1, Number.NaN), 1, false);
    expect(stats.maxAbs).toBe(Infinity);
    expect(judgeParity(stats, 'embedding').passed).toBe(false);
    expect(() => compareOutputs(Float32Array.of(1, 2), Float32Array.of(1), 1, false)).toThrow(/differ/);
  });
});
