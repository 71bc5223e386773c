// Training bundle: what a bigger machine needs to continue training this run — model.keras (the
// Keras export: backbone frozen + head), the run's classes' labeled photos copied into images/
// with dataset.csv (relative paths, labels, splits), labels.json, preprocessing.json, train.py
// (tf.distribute) and a README. Its parity check is the Keras model's.
import fs from 'node:fs';
import path from 'node:path';
import { kerasFormat, reloadKeras, studioFunctionalModel, KERAS_MODEL_FILE } from '../keras/format.js';
import { kerasFileBytes } from '../keras/keras-file.js';
import type { FormatOutput, ModelFormatWriter } from '../model/format.js';
import { inputSpecFile } from '../model/input-spec.js';
import { bundleReadme } from './readme.js';
import { writeBundleDataset } from './dataset.js';
import { TRAIN_SCRIPT, trainScript } from './train-script.js';

export const bundleFormat: ModelFormatWriter = {
  id: 'bundle',
  title: 'training bundle (Keras + dataset + train.py)',

  refusal: (source, quantization) => kerasFormat.refusal(source, quantization),

  async write({ staging, source, studio, modelName, exportedAt, db }): Promise<FormatOutput> {
    const bytes = await kerasFileBytes(studioFunctionalModel(source, studio), exportedAt);
    const file = path.join(staging, KERAS_MODEL_FILE);
    fs.writeFileSync(file, bytes);
    const data = await writeBundleDataset(db, staging, source.classNames);
    if (data.rows === 0) throw new Error('None of the run\'s labeled photos could be copied into the bundle.');
    fs.writeFileSync(path.join(staging, 'labels.json'), JSON.stringify(source.classNames, null, 2));
    fs.writeFileSync(path.join(staging, 'preprocessing.json'), JSON.stringify(inputSpecFile(source.preprocessing, source.backbone, source.classNames, 'in-model'), null, 2));
    fs.writeFileSync(path.join(staging, TRAIN_SCRIPT), trainScript(source.preprocessing), { mode: 0o755 });
    fs.writeFileSync(path.join(staging, 'README.md'), bundleReadme(modelName, source.classNames, data.rows));
    const warnings = data.skipped > 0 ? [`${data.skipped} labeled photos could not be read or changed since import and are not in the bundle.`] : [];
    return {
      files: [KERAS_MODEL_FILE, ...data.files, 'labels.json', 'preprocessing.json', TRAIN_SCRIPT, 'README.md'],
      weightBytes: bytes.length,
      float32WeightBytes: bytes.length,
      warnings,
      reload: () => reloadKeras(file),
    };
  },
};
