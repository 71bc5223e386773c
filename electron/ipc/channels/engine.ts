// Channels of the training engine. Training, downloads and label checks are jobs: the channel
// answers with the job id at once; progress comes as job:progress, curves as train:metrics.
import { z } from 'zod';
import {
  AugmentedSample,
  BackboneEntry,
  BackboneId,
  EngineInfo,
  ImageInput,
  JobStarted,
  PredictResult,
  QueueEntry,
  RunDetail,
} from '../../domain/engine-schemas.js';
import { AbsolutePath, Augmentation, ClientKey, Id, ResizeMode, RunSummary, Scaling, TrainConfig } from '../../domain/schemas.js';
import { channel, none } from './define.js';

export const engineChannels = {
  /** Starts the engine if needed; says which backend runs and whether fine-tuning is practical. */
  'engine:info': channel(none, EngineInfo),

  'backbones:list': channel(none, z.array(BackboneEntry)),
  'backbones:download': channel(z.strictObject({ id: BackboneId }), JobStarted),
  /**
   * An air-gapped install: a TF.js model folder from disk. Weights the catalogue knows become
   * that entry (matched 'catalogue'); an unknown network is added under `name` with the input
   * size and scaling given (or read from the model) once it gives a working embedding.
   */
  'backbones:import': channel(
    z.strictObject({ folder: AbsolutePath, name: z.string().trim().min(1).max(120).optional(), inputSize: z.int().min(32).max(1024).optional(), scaling: Scaling.optional() }),
    z.object({ id: z.string(), name: z.string(), matched: z.enum(['catalogue', 'new', 'already-installed']) }),
  ),

  /** `{}` is the one-click train; every setting has a default. */
  'train:start': channel(z.strictObject({ config: TrainConfig.optional(), clientKey: ClientKey.optional() }), JobStarted),
  'runs:list': channel(z.strictObject({ limit: z.int().min(1).max(500).optional() }), z.array(RunSummary)),
  'runs:get': channel(z.strictObject({ runId: Id }), RunDetail),
  /** The images of one confusion-matrix cell (true class × predicted class) in a split. */
  'runs:cellImages': channel(
    z.strictObject({
      runId: Id,
      split: z.enum(['train', 'val', 'test']),
      trueClassId: Id,
      predictedClassId: Id,
      limit: z.int().min(1).max(10_000).optional(),
    }),
    z.object({ total: z.int().nonnegative(), imageIds: z.array(Id) }),
  ),
  /** Re-scores "likely mislabeled" for a run (out-of-fold heads on its cached embeddings). */
  'runs:checkLabels': channel(z.strictObject({ runId: Id }), JobStarted),

  /** Augmented versions of a project image, rendered by the training code (view 0 = original). */
  'augment:preview': channel(
    z.strictObject({
      imageId: Id,
      count: z.int().min(1).max(16),
      /** Settings being edited; absent = the project's saved ones. */
      augmentation: Augmentation.optional(),
      /** A resize mode being tried; absent = the project's. */
      resizeMode: ResizeMode.optional(),
      seed: z.int().nonnegative().max(2 ** 31).optional(),
    }),
    z.array(AugmentedSample),
  ),

  /** "Test an image": probabilities from a run's model (default: the newest finished run). */
  'predict:images': channel(z.strictObject({ runId: Id.optional(), images: z.array(ImageInput).min(1).max(16) }), PredictResult),

  /** Unlabeled images the model is least sure of ("label these next"). */
  'queue:uncertain': channel(z.strictObject({ runId: Id.optional(), limit: z.int().min(1).max(10_000).optional() }), z.array(QueueEntry)),
  /** Labeled images whose label the out-of-fold model finds least likely. */
  'queue:mislabeled': channel(z.strictObject({ runId: Id.optional(), limit: z.int().min(1).max(10_000).optional() }), z.array(QueueEntry)),
};
