// The backend ladder: native TensorFlow (tfjs-node) where it installed, else WebAssembly with
// SIMD, else the pure-JS cpu backend. Chosen once per process (the engine worker); every other
// engine module is written against @tensorflow/tfjs-core and never branches on the result,
// except where a feature truly needs native speed (see `capabilities`).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { z } from 'zod';
import type { BackendName as BackendNameSchema, EngineInfo } from '../domain/engine-schemas.js';
import { MAX_FINE_TUNE_BLOCKS } from './finetune/mobilenet-top.js';


export type BackendName = z.infer<typeof BackendNameSchema>;

/** What the studio reports of a backend (the contract's EngineInfo.backend, inferred from its schema). */
export type BackendInfo = EngineInfo['backend'];

export interface BackendCapabilities {
  /** Top backbone blocks can be fine-tuned (see engine/finetune/); the reason says how, or why not. */
  fineTune: boolean;
  fineTuneReason: string | null;
}

const require = createRequire(import.meta.url);
let chosen: BackendInfo | null = null;

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 200);
}

async function tryNative(): Promise<void> {
  // A variable specifier keeps bundlers from resolving the optional package at build time.
  const specifier = '@tensorflow/tfjs-node';
  await import(/* @vite-ignore */ specifier);
  if (!(await tf.setBackend('tensorflow'))) throw new Error('tfjs-node loaded but its backend did not initialise');
}

async function tryWasm(): Promise<boolean> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  // In Node the wasm files are read from disk; a trailing separator makes this a prefix.
  wasm.setWasmPaths(`${dist}${path.sep}`);
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  return (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
}

/** Picks the best backend that works here. `prefer` skips higher rungs (tests, benchmarks). */
export async function initBackend(prefer?: BackendName): Promise<BackendInfo> {
  if (chosen && (!prefer || prefer === chosen.name)) return chosen;
  const skipped: BackendInfo['skipped'] = [];
  const ladder: BackendName[] = ['tensorflow', 'wasm', 'cpu'];
  const start = prefer ? ladder.indexOf(prefer) : 0;
  for (const name of ladder.slice(0, start)) skipped.push({ backend: name, reason: 'not requested' });

  for (const name of ladder.slice(start)) {
    try {
      if (name === 'tensorflow') {
        await tryNative();
        chosen = { name, label: 'native TensorFlow (tfjs-node)', simd: null, threads: 0, skipped };
      } else if (name === 'wasm') {
        const simd = await tryWasm();
        chosen = { name, label: `WebAssembly${simd ? ' (SIMD)' : ''}`, simd, threads: 1, skipped };
      } else {
        if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
        chosen = { name, label: 'JavaScript (cpu, slow)', simd: null, threads: 1, skipped };
      }
      await tf.ready();
      return chosen;
    } catch (error) {
      skipped.push({ backend: name, reason: message(error) });
    }
  }
  throw new Error(`No TensorFlow.js backend could start: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}

export function currentBackend(): BackendInfo | null {
  return chosen;
}

/**
 * Measured here (tfjs 4.22, 2 cores): wasm registers no Conv2DBackpropFilter /
 * DepthwiseConv2dNativeBackpropFilter kernels at all, and on cpu one 3x3 conv gradient over a
 * batch of 8 at 56x56x16 takes ~8.5 s. Fine-tuning therefore never differentiates a conv kernel:
 * it caches the activations at the input of MobileNetV2's top blocks (7x7) and trains those
 * blocks as matMuls and shifted multiply-adds (engine/finetune/), which every backend can
 * differentiate — the same code runs on native TensorFlow, wasm and cpu.
 */
export function capabilities(info: BackendInfo): BackendCapabilities {
  void info;
  return {
    fineTune: true,
    fineTuneReason: `Fine-tunes the top 1-${MAX_FINE_TUNE_BLOCKS} blocks of a MobileNetV2 backbone (the 7x7 ones) with the head, from cached activations; other backbones train with a frozen backbone.`,
  };
}
