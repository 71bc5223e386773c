// The engine worker's task table: each entry turns typed arguments into a call of the engine's
// plain functions (which also run without a worker, in tests and the CLI).
import { exportModel } from '../export/model/export-model.js';
import { importKerasRun, readKerasRunFile } from '../export/keras/import-run.js';
import { importTeachable, teachableModelDir } from '../export/teachable/import.js';
import { loadTeachableModel } from '../export/teachable/predict.js';
import { StudioError } from '../domain/result.js';
import type { Db } from '../project/database.js';
import { presentImagePaths } from '../project/images.js';
import { readSettings } from '../project/settings.js';
import { capabilities, currentBackend } from '../engine/backend.js';
import { DEFAULT_BACKBONE_ID, findBackbone } from '../engine/backbones/catalogue.js';
import { downloadBackbone, importBackboneFolder } from '../engine/backbones/install.js';
import { checkEmbedding } from '../engine/backbones/embedding-check.js';
import { loadBackbone } from '../engine/backbones/load.js';
import { modelCacheDir } from '../engine/backbones/model-cache.js';
import { augmentPreview } from '../engine/images/augment-preview.js';
import type { ImageSource } from '../engine/images/decode.js';
import { checkLabels } from '../engine/training/check-labels.js';
import { MAX_FINE_TUNE_BLOCKS } from '../engine/finetune/mobilenet-top.js';
import { predictImages } from '../engine/training/predict-images.js';
import { runTraining } from '../engine/training/run.js';
import { embedAheadTasks } from './embed-tasks.js';
import { embedderFor, installedBackbone } from './embedder-pool.js';
import { withProjectDb } from '../project/open-project-db.js';
import { cachedRunModel } from './run-model-cache.js';
import type { EngineTasks, ImageInput, TaskName } from './protocol.js';
import type { TaskContext } from './task-context.js';

type TaskTable = { [T in TaskName]: (args: EngineTasks[T]['args'], ctx: TaskContext) => Promise<EngineTasks[T]['result']> };

function backend() {
  const info = currentBackend();
  if (!info) throw new StudioError('internal', 'The engine has no backend yet.');
  return info;
}

/** A few of the project's present image files, to check a backbone conversion on. */
function sampleImagePaths(db: Db): string[] {
  return presentImagePaths(db, 16);
}

const source = (input: ImageInput): ImageSource => ('path' in input ? input.path : Buffer.from(input.bytes));

export const tasks: TaskTable = {
  ...embedAheadTasks,

  async info() {
    const info = backend();
    return { backend: info, capabilities: capabilities(info), modelCache: modelCacheDir() };
  },

  train: ({ projectDir, config, deferLabelCheck }, ctx) =>
    withProjectDb(projectDir, async (db) => {
      const { fineTune, fineTuneReason } = capabilities(backend());
      if (config.fineTuneBlocks > 0 && !fineTune) throw new StudioError('conflict', `${fineTuneReason} Set fine-tune blocks to 0 to train.`);
      if (config.fineTuneBlocks > MAX_FINE_TUNE_BLOCKS) throw new StudioError('conflict', `Fine-tuning trains at most ${MAX_FINE_TUNE_BLOCKS} top blocks (the ones at 7x7), not ${config.fineTuneBlocks}.`);
      const backboneId = config.backboneId ?? DEFAULT_BACKBONE_ID;
      const { spec, sha256, dir } = installedBackbone(backboneId);
      ctx.progress({ phase: 'loading backbone', done: 0, total: 1 });
      const { embedder, report } = await embedderFor(backboneId, async () => sampleImagePaths(db));
      let runId = 0;
      const result = await runTraining({
        db,
        projectDir,
        embedder,
        backbone: spec,
        backboneSha256: sha256,
        backboneDir: dir,
        backend: backend(),
        config,
        settings: readSettings(db),
        hooks: {
          started: (id) => {
            runId = id;
            ctx.event({ kind: 'run-started', runId: id });
          },
          progress: (phase, done, total) => ctx.progress({ phase, done, total }),
          epoch: (id, s) => ctx.event({ kind: 'epoch', runId: id, epoch: s.epoch, trainLoss: s.trainLoss, trainAcc: s.trainAcc, valLoss: s.valLoss, valAcc: s.valAcc }),
          batch: (id, epoch, batch, loss) => ctx.event({ kind: 'batch', runId: id, epoch, batch, loss }),
          checkpoint: ctx.checkpoint,
        },
      });
      // "Likely mislabeled" comes with every run; a cancel here keeps the finished run.
      let labelsChecked = 0;
      if (config.outOfFoldK >= 2 && !deferLabelCheck) {
        try {
          labelsChecked = (
            await checkLabels(db, runId, {
              progress: (done, total) => ctx.progress({ phase: 'checking labels', done, total }),
              checkpoint: ctx.checkpoint,
            })
          ).checked;
        } catch (error) {
          if (!(error instanceof StudioError && error.code === 'cancelled')) throw error;
        }
      }
      return {
        runId: result.runId,
        modelId: result.modelId,
        valAccuracy: result.val?.accuracy ?? null,
        testAccuracy: result.test?.accuracy ?? null,
        bestEpoch: result.bestEpoch,
        epochs: result.epochs,
        embedder: { engine: report.engine, skipped: report.skipped, onnx: report.onnx && { ok: report.onnx.ok, reason: report.onnx.reason, maxRel: report.onnx.parity?.maxRel ?? null, images: report.onnx.parity?.images ?? 0 } },
        timings: result.timings,
        embedded: result.embedded,
        labelsChecked,
      };
    }),

  checkLabels: ({ projectDir, runId }, ctx) =>
    withProjectDb(projectDir, (db) =>
      checkLabels(db, runId, { progress: (done, total) => ctx.progress({ phase: 'checking labels', done, total }), checkpoint: ctx.checkpoint }),
    ),

  predict: ({ projectDir, runId, images }, ctx) =>
    withProjectDb(projectDir, async (db) => {
      // Kept loaded between calls (the live preview predicts many frames a second).
      const model = await cachedRunModel(db, projectDir, runId);
      const sources = images.map(source);
      // A fine-tuned run predicts through its own blocks; others share the pooled embedder.
      const embedder = model.backbone ?? (await embedderFor(model.backboneId, async () => [...sampleImagePaths(db), ...sources])).embedder;
      const predictions = await predictImages(model, embedder, sources, ctx.checkpoint);
      return {
        runId,
        classIds: model.classIds,
        classNames: model.classNames,
        results: predictions.map((p, index) => ({ index, probs: p.probs ? Array.from(p.probs) : null, error: p.error })),
      };
    }),

  async augmentPreview({ image, key, preprocessing, augmentation, count, seed }) {
    const samples = await augmentPreview(source(image), preprocessing, augmentation, { key, count, seed }).catch((error: unknown) => {
      const what = 'path' in image ? image.path : 'the image';
      throw new StudioError('io_error', `Cannot read ${what}: ${error instanceof Error ? error.message : String(error)}`);
    });
    return samples.map((s) => ({ view: s.view, webp: new Uint8Array(s.webp) }));
  },

  async downloadBackbone({ id, urls }, ctx) {
    const spec = findBackbone(id);
    if (!spec) throw new StudioError('not_found', `There is no backbone "${id}" in the catalogue.`);
    const dir = await downloadBackbone(spec, {
      ...(urls ? { urls } : {}),
      signal: ctx.signal,
      onProgress: (p) => {
        ctx.progress({ phase: 'downloading', done: p.bytesDone, total: p.bytesTotal, message: p.file });
        ctx.event({ kind: 'download', ...p });
      },
    });
    return { id, dir };
  },

  async importBackbone({ folder, details }) {
    const { spec, dir, matched } = await importBackboneFolder(folder, { details: details ?? {}, check: checkEmbedding });
    return { id: spec.id, name: spec.name, dir, matched };
  },

  exportModel: ({ projectDir, target, ...options }, ctx) =>
    withProjectDb(projectDir, (db) =>
      exportModel({
        ...options,
        db,
        projectDir,
        modelCacheDir: modelCacheDir(),
        ...(target ? { target } : {}),
        onProgress: (phase, done, total) => ctx.progress({ phase, done, total }),
        checkpoint: ctx.checkpoint,
      }),
    ),

  importTeachable: ({ projectDir, folder }) => withProjectDb(projectDir, (db) => importTeachable({ db, projectDir, folder })),

  importKerasRun: ({ projectDir, file }, ctx) =>
    withProjectDb(projectDir, async (db) => {
      ctx.progress({ phase: 'reading the model', done: 0, total: 1 });
      const model = await readKerasRunFile(file);
      const { spec, dir, sha256 } = installedBackbone(model.side.backboneId);
      if (spec.format !== 'layers') throw new StudioError('conflict', `${spec.name} is a TF.js GraphModel; the studio writes and reads Keras models of layers backbones only.`);
      ctx.progress({ phase: 'loading backbone', done: 0, total: 1 });
      const { embedder } = await embedderFor(spec.id, async () => sampleImagePaths(db));
      // The tfjs layers of the installed backbone, to compare the Keras model's backbone with (the embedder may be ONNX).
      const layers = await loadBackbone(dir, spec);
      try {
        const r = await importKerasRun({
          db,
          projectDir,
          model,
          embedder,
          backboneLayers: layers.layersModel!,
          backbone: spec,
          backboneSha256: sha256,
          backend: backend(),
          settings: readSettings(db),
          progress: (phase, done, total) => ctx.progress({ phase, done, total }),
          checkpoint: ctx.checkpoint,
        });
        return { runId: r.runId, modelId: r.modelId, classNames: r.classNames, valAccuracy: r.val?.accuracy ?? null, testAccuracy: r.test?.accuracy ?? null };
      } finally {
        layers.dispose();
      }
    }),

  predictTeachable: ({ projectDir, modelId, images }, ctx) =>
    withProjectDb(projectDir, async (db) => {
      const tm = await loadTeachableModel(teachableModelDir(db, projectDir, modelId).dir);
      try {
        const predictions = await tm.predict(images.map(source), ctx.checkpoint);
        return { labels: tm.labels, results: predictions.map((p, index) => ({ index, probs: p.probs ? Array.from(p.probs) : null, error: p.error })) };
      } finally {
        tm.dispose();
      }
    }),
};
