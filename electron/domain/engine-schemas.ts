// Shapes of the training engine's channels: backends, backbones, runs, predictions, previews.
import { z } from 'zod';
import { AbsolutePath, Augmentation, Id, Preprocessing, RunSummary, SplitMetrics, TrainConfig } from './schemas.js';

export const BackendName = z.enum(['tensorflow', 'wasm', 'cpu']);

export const EngineInfo = z.object({
  backend: z.object({
    name: BackendName,
    label: z.string(),
    simd: z.boolean().nullable(),
    threads: z.int(),
    skipped: z.array(z.object({ backend: BackendName, reason: z.string() })),
  }),
  fineTune: z.object({ available: z.boolean(), reason: z.string().nullable() }),
  modelCache: z.string(),
});
export type EngineInfo = z.infer<typeof EngineInfo>;

export const BackboneId = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,99}$/, 'not a backbone id');

export const BackboneEntry = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  format: z.enum(['layers', 'graph']),
  inputSize: z.int(),
  embeddingSize: z.int(),
  licence: z.string(),
  approxBytes: z.int(),
  recommended: z.boolean(),
  isDefault: z.boolean(),
  speedHint: z.string().nullable(),
  /** A copy ships with the studio: it installs itself on first use, no download needed. */
  shipped: z.boolean(),
  /** It has a download address (imported networks and some exports do not). */
  downloadable: z.boolean(),
  /** installed: ready; partial: a download was cut off (resumable); missing: not here. */
  state: z.enum(['installed', 'partial', 'missing']),
  /** catalogue: a known network; imported: a folder the user brought in. */
  origin: z.enum(['catalogue', 'imported']),
  /** Its conversion for onnxruntime (native-speed embeddings), once tried: parity or the reason it is not used. */
  onnx: z.object({ ok: z.boolean(), reason: z.string().nullable(), maxRel: z.number().nullable(), images: z.int() }).nullable(),
});
export type BackboneEntry = z.infer<typeof BackboneEntry>;

export const JobStarted = z.object({ jobId: z.string() });

export const EpochRow = z.object({
  epoch: z.int(),
  trainLoss: z.number().nullable(),
  trainAcc: z.number().nullable(),
  valLoss: z.number().nullable(),
  valAcc: z.number().nullable(),
  durationMs: z.number().nullable(),
});

const HeadCandidate = z.object({ kind: z.enum(['linear', 'mlp']), param: z.number() });

/** Which head a run kept and how the candidates scored (runs.metrics.head; null for older runs). */
export const HeadChoice = z.object({
  method: z.enum(['validation split', 'hold-out', 'k-fold']),
  folds: z.int(),
  chosen: HeadCandidate,
  /** Epochs the winner was (re)fit for. */
  epochs: z.int(),
  scores: z.array(z.object({ candidate: HeadCandidate, valLoss: z.number(), valAcc: z.number(), epochs: z.number() })),
  /** 'selection': the validation figures are the selection stage's held-out training photos (the final head was refit on them); 'final': the final head's on the validation split (or the hold-out it kept); 'none': a reused choice refit on every training photo, no validation split. */
  valStage: z.enum(['selection', 'final', 'none']),
  refitImages: z.int().nullable(),
  /** Seeded heads the refit averaged into the final one (absent in runs before refit ensembles: one). */
  refitMembers: z.int().nullable().optional(),
  /** Epochs each refit member trained (absent in older runs: `epochs`). */
  refitEpochs: z.int().nullable().optional(),
  /** The run whose selection a retrain reused (its scores are that run's), or null. */
  reusedFrom: z.int().nullable(),
  /** A retrain that started from the previous run's head and trained `epochs` more on every training photo, instead of refitting cold (absent or null: no). */
  warmStart: z.object({ fromRun: z.int(), epochs: z.int(), chain: z.int() }).nullable().optional(),
  /** Why a retrain that reused a choice refit cold instead. */
  coldReason: z.string().optional(),
});
export type HeadChoice = z.infer<typeof HeadChoice>;

export const RunDetail = RunSummary.extend({
  classNames: z.array(z.string()),
  /** The settings the run used (defaults filled in), plus what it derived from the project. */
  config: z.object({ ...TrainConfig.shape, preprocessing: Preprocessing, augmentation: Augmentation, views: z.int(), embeddingDim: z.int() }),
  val: SplitMetrics.nullable(),
  test: SplitMetrics.nullable(),
  bestEpoch: z.int().nullable(),
  head: HeadChoice.nullable(),
  history: z.array(EpochRow),
  timings: z.record(z.string(), z.number()).nullable(),
  labelsChecked: z.boolean(),
});
export type RunDetail = z.infer<typeof RunDetail>;

/** An image to predict: a path (desktop drag-and-drop) or its bytes (browser drop), ≤ 25 MB. */
export const ImageInput = z.union([
  z.strictObject({ path: AbsolutePath }),
  z.strictObject({ name: z.string().max(512).optional(), base64: z.string().min(1).max(34_000_000) }),
]);

export const Prediction = z.object({
  index: z.int(),
  probs: z.array(z.number()).nullable(),
  error: z.string().nullable(),
});

export const PredictResult = z.object({
  runId: Id,
  classIds: z.array(Id),
  classNames: z.array(z.string()),
  results: z.array(Prediction),
});
export type PredictResult = z.infer<typeof PredictResult>;

export const AugmentedSample = z.object({ view: z.int(), webpBase64: z.string() });

export const QueueEntry = z.object({
  imageId: Id,
  classId: Id.nullable(),
  confidence: z.number(),
  margin: z.number(),
  labelClassId: Id.nullable(),
  oofLabelProb: z.number().nullable(),
});
export type QueueEntry = z.infer<typeof QueueEntry>;
