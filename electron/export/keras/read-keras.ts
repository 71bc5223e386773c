// Reads a .keras file back, the way the studio checks what it wrote: the zip's config.json and
// model.weights.h5 (through h5wasm), the weights matched to layers by Keras's own group naming,
// and the functional graph rebuilt as a TF.js model to predict with. Also used where Python's
// Keras is absent, so the file's structure is checked on every machine.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import h5wasm from 'h5wasm/node';
import { snakeCase } from './layer-config.js';

interface LayerEntry {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inbound_nodes: Array<{ args: unknown[] }>;
}

export interface ReadKeras {
  config: { class_name: string; config: { name: string; layers: LayerEntry[]; input_layers: unknown[]; output_layers: Array<[string, number, number]> } };
  metadata: Record<string, unknown>;
  /** Weights per layer name, in Keras variable order. */
  weights: Map<string, Array<{ data: Float32Array; shape: number[] }>>;
}

async function readH5(bytes: Uint8Array, layers: LayerEntry[]): Promise<ReadKeras['weights']> {
  await h5wasm.ready;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-keras-read-'));
  const file = path.join(dir, 'model.weights.h5');
  fs.writeFileSync(file, bytes);
  const f = new h5wasm.File(file, 'r');
  try {
    const used = new Map<string, number>();
    const out: ReadKeras['weights'] = new Map();
    for (const layer of layers) {
      const base = snakeCase(layer.class_name);
      const n = used.get(base);
      used.set(base, n === undefined ? 0 : n + 1);
      const groupName = `layers/${n === undefined ? base : `${base}_${n + 1}`}/vars`;
      const vars = f.get(groupName) as InstanceType<typeof h5wasm.Group> | null;
      if (!vars) throw new Error(`model.weights.h5 has no ${groupName} for layer "${layer.name}".`);
      const stored = vars.attrs['name']?.value;
      if (stored !== layer.name) throw new Error(`model.weights.h5's ${groupName} belongs to "${String(stored)}", not "${layer.name}".`);
      const weights = vars
        .keys()
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => {
          const ds = vars.get(k) as InstanceType<typeof h5wasm.Dataset>;
          return { data: Float32Array.from(ds.value as Float32Array), shape: [...(ds.shape ?? [])] };
        });
      out.set(layer.name, weights);
    }
    return out;
  } finally {
    f.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function readKeras(bytes: Uint8Array): Promise<ReadKeras> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    throw new Error(`This is not a .keras file (not a zip: ${error instanceof Error ? error.message : String(error)}).`);
  }
  for (const name of ['config.json', 'model.weights.h5', 'metadata.json']) if (!files[name]) throw new Error(`This .keras file has no ${name}.`);
  const json = (name: string) => JSON.parse(new TextDecoder().decode(files[name])) as unknown;
  const config = json('config.json') as ReadKeras['config'];
  if (config.class_name !== 'Functional' || !Array.isArray(config.config?.layers)) throw new Error('config.json does not describe a Keras functional model.');
  return { config, metadata: json('metadata.json') as Record<string, unknown>, weights: await readH5(files['model.weights.h5']!, config.config.layers) };
}

/** The Keras 3 graph as the Keras 2 topology TF.js reads (inbound nodes as [name, 0, 0, {}] lists). */
function tfjsTopology(read: ReadKeras): Record<string, unknown> {
  const layers = read.config.config.layers.map((l) => {
    const history = (arg: unknown): unknown[] => {
      const t = arg as { config: { keras_history: [string, number, number] } };
      return [...t.config.keras_history, {}];
    };
    const inbound = l.inbound_nodes.map((node) => {
      const first = node.args[0];
      return Array.isArray(first) ? first.map(history) : [history(first)];
    });
    const config = l.class_name === 'InputLayer' ? { batch_input_shape: l.config.batch_shape, dtype: 'float32', sparse: false, name: l.name } : l.config;
    return { class_name: l.class_name, name: l.name, config, inbound_nodes: inbound };
  });
  const c = read.config.config;
  return { class_name: 'Model', config: { name: c.name, layers, input_layers: c.input_layers, output_layers: c.output_layers } };
}

/** The read-back model in TF.js, its weights from model.weights.h5. */
export async function kerasToTfjs(read: ReadKeras): Promise<tfl.LayersModel> {
  const model = (await tfl.models.modelFromJSON({ modelTopology: tfjsTopology(read) } as unknown as tf.io.ModelJSON)) as tfl.LayersModel;
  for (const layer of model.layers) {
    const weights = read.weights.get(layer.name) ?? [];
    if (weights.length !== layer.weights.length) throw new Error(`Layer "${layer.name}" has ${layer.weights.length} weights; model.weights.h5 holds ${weights.length}.`);
    if (weights.length > 0) tf.tidy(() => layer.setWeights(weights.map((w) => tf.tensor(w.data, w.shape))));
  }
  return model;
}
