// Writes a FunctionalModel as a Keras 3 ".keras" file: a zip of config.json (the functional
// config as Keras serialises it), model.weights.h5 (HDF5 written with h5wasm, laid out as Keras's
// saving_lib lays it out: layers/<snake_case class>[_n]/vars/<i>, in model.layers order) and
// metadata.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import h5wasm from 'h5wasm/node';
import pkg from '../../../package.json' with { type: 'json' };
import type { FunctionalLayer, FunctionalModel, TensorRef } from './functional.js';
import { snakeCase } from './layer-config.js';

/** The Keras saving format this writer follows (Keras 3's .keras v3 format). */
export const KERAS_FORMAT_VERSION = '3.0.0';

const tensor = (ref: TensorRef) => ({ class_name: '__keras_tensor__', config: { shape: ref.shape, dtype: 'float32', keras_history: [ref.layer, 0, 0] } });

function layerEntry(l: FunctionalLayer): Record<string, unknown> {
  if (l.className === 'InputLayer') {
    return {
      module: 'keras.layers',
      class_name: 'InputLayer',
      config: { batch_shape: l.output.shape, dtype: 'float32', sparse: false, ragged: false, name: l.name, optional: false },
      registered_name: null,
      name: l.name,
      inbound_nodes: [],
    };
  }
  const args = l.inputs.length === 1 ? [tensor(l.inputs[0]!)] : [l.inputs.map(tensor)];
  const inputShape = l.inputs.length === 1 ? l.inputs[0]!.shape : l.inputs.map((i) => i.shape);
  return {
    module: 'keras.layers',
    class_name: l.className,
    config: { name: l.name, trainable: l.trainable, dtype: 'float32', ...l.config },
    registered_name: null,
    build_config: { input_shape: inputShape },
    name: l.name,
    inbound_nodes: [{ args, kwargs: {} }],
  };
}

export function kerasConfig(model: FunctionalModel): Record<string, unknown> {
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: model.name,
      trainable: true,
      layers: model.layers.map(layerEntry),
      input_layers: [[model.input.layer, 0, 0]],
      output_layers: [[model.output.layer, 0, 0]],
    },
    registered_name: 'Functional',
    build_config: { input_shape: null },
  };
}

/** model.weights.h5 bytes. h5wasm writes to a file; it goes through a private temp folder. */
export async function kerasWeightsH5(model: FunctionalModel): Promise<Uint8Array> {
  const h5 = await h5wasm.ready;
  void h5;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-keras-h5-'));
  const file = path.join(dir, 'model.weights.h5');
  try {
    const f = new h5wasm.File(file, 'w');
    try {
      const layers = f.create_group('layers');
      const used = new Map<string, number>();
      for (const l of model.layers) {
        const base = snakeCase(l.className);
        const n = used.get(base);
        used.set(base, n === undefined ? 0 : n + 1);
        const group = layers.create_group(n === undefined ? base : `${base}_${n + 1}`);
        const vars = group.create_group('vars');
        vars.create_attribute('name', l.name);
        l.weights.forEach((w, i) => vars.create_dataset({ name: String(i), data: w.data, shape: w.shape, dtype: '<f' }));
      }
      f.create_group('vars').create_attribute('name', model.name);
    } finally {
      f.close();
    }
    return new Uint8Array(fs.readFileSync(file));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function kerasFileBytes(model: FunctionalModel, savedAt: Date): Promise<Uint8Array> {
  const metadata = { keras_version: KERAS_FORMAT_VERSION, date_saved: savedAt.toISOString().slice(0, 19).replace('T', '@'), producer: `${pkg.productName} ${pkg.version}` };
  const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  // Stored, not deflated, as Keras writes it (the weights do not compress).
  return zipSync({ 'metadata.json': encode(metadata), 'config.json': encode(kerasConfig(model)), 'model.weights.h5': await kerasWeightsH5(model) }, { level: 0 });
}
