// Channels of exports: a model in a format (checked for parity before it is called done), the
// dataset, a run's predictions, the list of exports, and bringing a Teachable Machine model or a
// Keras model (as a run) in.
// Exports are jobs: the channel answers at once with the job id and the export's id, whose row
// in export:list reads 'running' until the job settles it; progress comes as job:progress.
import { z } from 'zod';
import { ImageInput, JobStarted, Prediction } from '../../domain/engine-schemas.js';
import {
  AbsolutePath,
  ClientKey,
  DatasetLayout,
  ExportName,
  ExportRecord,
  ExportStarted,
  Id,
  ModelExportFormat,
  PredictionFilter,
  Split,
  TeachableImport,
  WeightQuantization,
} from '../../domain/schemas.js';
import { channel } from './define.js';

/** Where an export goes: default `<project>/exports/<format and time>`; a given name is never reused. */
const Destination = {
  name: ExportName.optional(),
  folder: AbsolutePath.optional(),
  clientKey: ClientKey.optional(),
};

export const exportChannels = {
  /** A finished run's model (default: the newest) as TF.js, Teachable Machine, ONNX, or its model card alone. */
  'export:model': channel(
    z.strictObject({
      runId: Id.optional(),
      modelId: Id.optional(),
      format: ModelExportFormat,
      quantization: WeightQuantization.optional(),
      /** Images of the parity check (default 32, val split first). */
      sampleCount: z.int().min(1).max(512).optional(),
      ...Destination,
    }),
    ExportStarted,
  ),
  /** The labeled images as class/ or split/class/ folders with dataset.csv, or the CSV alone. */
  'export:dataset': channel(
    z.strictObject({
      layout: DatasetLayout,
      splits: z.array(Split).min(1).max(4).optional(),
      includeUnlabeled: z.boolean().optional(),
      ...Destination,
    }),
    ExportStarted,
  ),
  /** A run's predictions (default: the newest run) as CSV, all or filtered. */
  'export:predictions': channel(z.strictObject({ runId: Id.optional(), filter: PredictionFilter.optional(), ...Destination }), ExportStarted),
  /** Exports started (running, done, failed, cancelled, interrupted), newest first; `finished` keeps only the done ones. */
  'export:list': channel(z.strictObject({ runId: Id.optional(), limit: z.int().min(1).max(500).optional(), finished: z.boolean().optional() }), z.array(ExportRecord)),
  /** A Teachable Machine image-model folder: its labels become classes, the model is kept in the project. */
  'import:teachable': channel(z.strictObject({ folder: AbsolutePath }), TeachableImport),
  /**
   * A .keras model (the training bundle's output/model.keras, with preprocessing.json beside it)
   * as a new run: same classes in the same order and the same backbone weights, or refused; the
   * run is evaluated on the val/test splits like a trained one. A job (kind "evaluate").
   */
  'import:keras': channel(z.strictObject({ file: AbsolutePath, clientKey: ClientKey.optional() }), JobStarted),
  /** Probabilities of images from an imported Teachable Machine model, in its label order. */
  'predict:teachable': channel(
    z.strictObject({ modelId: Id, images: z.array(ImageInput).min(1).max(16) }),
    z.object({ modelId: Id, labels: z.array(z.string()), classIds: z.array(Id.nullable()), results: z.array(Prediction) }),
  ),
};
