// What a .keras model (the training bundle's output/model.keras, or a Keras export) must be to
// come back into a project as a run: the studio's own layout (the "image" input, the
// "input_scaling" Rescaling, the backbone's layers under their names, then the head_* layers),
// the project's classes in the project's order, and the backbone's weights unchanged — a run
// stores its head alone and joins it to the installed backbone, so a backbone the Keras model
// fine-tuned cannot be carried and is refused with the layers it changed.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { StudioError } from '../../domain/result.js';
import { TrainConfig, type Preprocessing } from '../../domain/schemas.js';
import { buildHead } from '../../engine/training/head.js';
import { SCALING } from '../../onnx/input-scaling.js';
import { functionalModel } from './functional.js';
import type { ReadKeras } from './read-keras.js';

type LayerEntry = ReadKeras['config']['config']['layers'][number];

const HEAD_LAYERS = new Set(['head_hidden', 'head_dropout', 'head_output']);

/** The head's shape as the studio's TrainConfig knows it, read from the Keras head layers. */
export function headConfigOf(read: ReadKeras, nClasses: number): Pick<TrainConfig, 'hiddenUnits' | 'dropout'> {
  const layers = read.config.config.layers;
  const byName = new Map(layers.map((l) => [l.name, l]));
  const hidden = byName.get('head_hidden');
  const dropout = byName.get('head_dropout');
  const output = byName.get('head_output');
  if (!output) throw new StudioError('invalid_payload', 'This Keras model has no "head_output" layer: it was not made from a studio export (the studio reads back its own layout only).');
  const extra = layers.slice(layers.indexOf(output) + 1).map((l) => l.name);
  if (extra.length) throw new StudioError('invalid_payload', `This Keras model has layers after "head_output" (${extra.join(', ')}); the studio's runs end with the head's softmax.`);
  const units = (l: LayerEntry) => Number(l.config['units']);
  const activation = (l: LayerEntry) => String(l.config['activation']);
  if (output.class_name !== 'Dense' || activation(output) !== 'softmax') throw new StudioError('invalid_payload', '"head_output" must be a Dense layer with a softmax, as the studio writes it.');
  if (units(output) !== nClasses) throw new StudioError('invalid_payload', `"head_output" has ${units(output)} outputs for ${nClasses} class names.`);
  if (hidden && (hidden.class_name !== 'Dense' || activation(hidden) !== 'relu')) throw new StudioError('invalid_payload', '"head_hidden" must be a Dense layer with a relu, as the studio writes it.');
  return { hiddenUnits: hidden ? units(hidden) : 0, dropout: dropout ? Number(dropout.config['rate']) : 0 };
}

/** The class names must be the project's, in the project's order (the head's columns are that order). */
export function checkClasses(modelLabels: readonly string[], projectNames: readonly string[]): void {
  const same = modelLabels.length === projectNames.length && modelLabels.every((l, i) => l === projectNames[i]);
  if (same) return;
  const model = JSON.stringify(modelLabels);
  const project = JSON.stringify(projectNames);
  const sameSet = modelLabels.length === projectNames.length && [...modelLabels].sort().join('\u0000') === [...projectNames].sort().join('\u0000');
  throw new StudioError(
    'conflict',
    sameSet
      ? `The model's classes are in another order (${model}) than the project's (${project}); its outputs would be read as the wrong classes. Export the bundle again from this project and train that.`
      : `The model was trained on the classes ${model}, but this project's labeled classes are ${project}. Import it into the project it was exported from, or label the same classes.`,
  );
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

export interface KerasRunHead {
  config: Pick<TrainConfig, 'hiddenUnits' | 'dropout'>;
  /** The head as the studio trains it (buildHead), with the Keras head's weights. */
  head: tfl.Sequential;
}

/**
 * Checks the Keras model layer by layer against the studio's classifier on `backbone` (the cut
 * layers model of the installed backbone) and returns its head as a studio head.
 */
export function kerasRunHead(read: ReadKeras, backbone: tfl.LayersModel, spec: Preprocessing, backboneName: string, nClasses: number, seed: number): KerasRunHead {
  const config = headConfigOf(read, nClasses);
  const dim = backbone.outputs[0]!.shape[1] as number;
  const head = buildHead(dim, nClasses, TrainConfig.parse({ ...config, seed }));
  try {
    const studio = functionalModel(backbone, head, spec);
    const theirs = read.config.config.layers;
    const ours = studio.layers;
    const firstDiff = ours.findIndex((l, i) => theirs[i]?.name !== l.name || theirs[i]?.class_name !== l.className);
    if (firstDiff >= 0 || theirs.length !== ours.length) {
      const at = firstDiff >= 0 ? firstDiff : Math.min(ours.length, theirs.length);
      const t = theirs[at];
      const o = ours[at];
      throw new StudioError(
        'conflict',
        `This Keras model is not ${backboneName} with the studio's head: layer ${at + 1} is ${t ? `"${t.name}" (${t.class_name})` : 'missing'} where the studio has ${o ? `"${o.name}" (${o.className})` : 'none'}. Import a model made from this project's export of a ${backboneName} run.`,
      );
    }
    const scaling = theirs[1]!.config;
    const { divisor, offset } = SCALING[spec.scaling];
    if (Math.abs(Number(scaling['scale']) - 1 / divisor) > 1e-7 || Math.abs(Number(scaling['offset']) + offset) > 1e-7) {
      throw new StudioError('conflict', `The model's input_scaling (x * ${String(scaling['scale'])} + ${String(scaling['offset'])}) is not the "${spec.scaling}" scaling ${backboneName} takes.`);
    }
    const changed: Array<{ name: string; diff: number }> = [];
    for (const layer of ours) {
      const stored = read.weights.get(layer.name) ?? [];
      if (stored.length !== layer.weights.length) throw new StudioError('conflict', `Layer "${layer.name}" holds ${stored.length} weights in the file; the studio's has ${layer.weights.length}.`);
      layer.weights.forEach((w, i) => {
        const s = stored[i]!;
        if (s.shape.join('x') !== w.shape.join('x')) throw new StudioError('conflict', `Layer "${layer.name}" weight ${w.name} is ${s.shape.join('×')} in the file; the studio's is ${w.shape.join('×')}.`);
      });
      if (HEAD_LAYERS.has(layer.name)) continue;
      const diff = Math.max(0, ...layer.weights.map((w, i) => maxAbsDiff(w.data, stored[i]!.data)));
      if (diff > 0) changed.push({ name: layer.name, diff });
    }
    if (changed.length) {
      const names = changed.slice(0, 5).map((c) => `${c.name} (max |Δ| ${c.diff.toExponential(1)})`).join(', ');
      throw new StudioError(
        'conflict',
        `The model's backbone differs from ${backboneName} in ${changed.length} layer${changed.length === 1 ? '' : 's'}: ${names}${changed.length > 5 ? ', …' : ''}. ` +
          `It was fine-tuned (train.py's second phase); a studio run keeps the backbone frozen and stores its head alone, so it cannot carry changed backbone layers. ` +
          `Import a model trained with "python train.py --fine-tune-epochs 0", or use this model.keras directly in Keras (it already is a deployable model).`,
      );
    }
    // The head's weights, in the order buildHead's layers hold them (kernel, bias).
    for (const layer of head.layers) {
      const stored = read.weights.get(layer.name) ?? [];
      if (stored.length) tf.tidy(() => layer.setWeights(stored.map((w) => tf.tensor(w.data, w.shape))));
    }
    return { config, head };
  } catch (error) {
    head.dispose();
    throw error;
  }
}
