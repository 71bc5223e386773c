// Domain shapes that cross the IPC boundary. Every type the renderer sees is inferred from
// one of these schemas, so the runtime check and the compile-time type cannot drift apart.
import { z } from 'zod';

export const Id = z.int().positive().max(Number.MAX_SAFE_INTEGER);

/** An absolute file-system path chosen by the user (dialog or path field). */
export const AbsolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'path must be absolute');

export const Split = z.enum(['train', 'val', 'test', 'unassigned']);
export type Split = z.infer<typeof Split>;

export const ImageStatus = z.enum(['ok', 'missing', 'corrupt']);
export const LabelSource = z.enum(['human', 'import', 'model']);
export type LabelSource = z.infer<typeof LabelSource>;

export const ClassName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((s) => !/[\u0000-\u001f/\\]/.test(s), 'class names cannot hold control characters or slashes');
export const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'colour must look like #rrggbb');
export const Shortcut = z.int().min(0).max(9);

export const ClassRow = z.object({
  id: Id,
  name: z.string(),
  color: Color,
  order: z.int(),
  shortcut: Shortcut.nullable(),
});
export type ClassRow = z.infer<typeof ClassRow>;

export const ImageRow = z.object({
  id: Id,
  hash: z.string(),
  path: z.string(),
  byteSize: z.int().nonnegative(),
  width: z.int().nullable(),
  height: z.int().nullable(),
  format: z.string().nullable(),
  split: Split,
  status: ImageStatus,
  classId: Id.nullable(),
  labelSource: LabelSource.nullable(),
  confidence: z.number().nullable(),
});
export type ImageRow = z.infer<typeof ImageRow>;

export const ImageFilter = z.strictObject({
  classId: Id.optional(),
  unlabeled: z.boolean().optional(),
  split: Split.optional(),
  nameContains: z.string().max(256).optional(),
});
export type ImageFilter = z.infer<typeof ImageFilter>;

export const LabelSummary = z.object({
  total: z.int(),
  labeled: z.int(),
  unlabeled: z.int(),
  perClass: z.array(z.object({ classId: Id, count: z.int() })),
  perSplit: z.array(z.object({ split: Split, count: z.int() })),
});
export type LabelSummary = z.infer<typeof LabelSummary>;

export const ProjectInfo = z.object({
  path: z.string(),
  name: z.string(),
  schemaVersion: z.int(),
  imageCount: z.int(),
  classes: z.array(ClassRow),
});
export type ProjectInfo = z.infer<typeof ProjectInfo>;

export const LabelChange = z.object({
  /** 0 when nothing changed (e.g. the images already had that label). */
  actionId: z.int().nonnegative(),
  changed: z.int().nonnegative(),
  imageIds: z.array(Id),
});
export type LabelChange = z.infer<typeof LabelChange>;

export const ResizeMode = z.enum(['squash', 'center-crop', 'letterbox']);
export const Scaling = z.enum(['minus1to1', 'zero1', 'raw255']);

/** Preprocessing is data: the same object drives training, prediction and every export. */
export const Preprocessing = z.strictObject({
  inputSize: z.int().min(32).max(1024),
  resizeMode: ResizeMode,
  scaling: Scaling,
});
export type Preprocessing = z.infer<typeof Preprocessing>;

export const Augmentation = z.strictObject({
  flipHorizontal: z.boolean(),
  flipVertical: z.boolean(),
  rotationDeg: z.number().min(0).max(180),
  zoom: z.number().min(0).max(0.5),
  brightness: z.number().min(0).max(0.5),
  contrast: z.number().min(0).max(0.5),
  saturation: z.number().min(0).max(0.5),
  views: z.int().min(0).max(16),
});
export type Augmentation = z.infer<typeof Augmentation>;

export const SplitPlan = z
  .strictObject({
    train: z.number().min(0).max(1),
    val: z.number().min(0).max(1),
    test: z.number().min(0).max(1),
    seed: z.int().nonnegative().max(2 ** 31),
  })
  .refine((s) => Math.abs(s.train + s.val + s.test - 1) < 1e-6, 'split fractions must add up to 1');

export const Settings = z.strictObject({
  preprocessing: Preprocessing,
  augmentation: Augmentation,
  split: SplitPlan,
});
export type Settings = z.infer<typeof Settings>;

export const SettingsPatch = z.strictObject({
  preprocessing: Preprocessing.optional(),
  augmentation: Augmentation.optional(),
  split: SplitPlan.optional(),
});

export const JobKind = z.enum(['import', 'train', 'embed', 'evaluate', 'export', 'health']);
export const JobProgress = z.object({
  jobId: z.string(),
  kind: JobKind,
  phase: z.string(),
  done: z.number().nonnegative(),
  total: z.number().nonnegative(),
  etaMs: z.number().nonnegative().nullable(),
  message: z.string().optional(),
});
export const JobInfo = z.object({
  jobId: z.string(),
  kind: JobKind,
  phase: z.string(),
  done: z.number().nonnegative(),
  total: z.number().nonnegative(),
  etaMs: z.number().nonnegative().nullable(),
  startedAt: z.number(),
});
export type JobInfo = z.infer<typeof JobInfo>;
export type JobKind = z.infer<typeof JobKind>;

export const JobFinished = z.object({
  jobId: z.string(),
  kind: JobKind,
  status: z.enum(['done', 'failed', 'cancelled']),
  error: z.string().optional(),
});
export const TrainMetrics = z.object({
  runId: Id,
  epoch: z.int().nonnegative(),
  batch: z.int().nonnegative().nullable(),
  loss: z.number(),
  acc: z.number().nullable(),
  valLoss: z.number().nullable(),
  valAcc: z.number().nullable(),
});
export const WatchChanged = z.object({
  folder: z.string(),
  added: z.int().nonnegative(),
  changed: z.int().nonnegative(),
  removed: z.int().nonnegative(),
});

/** Training settings: every field has a default, so `{}` is the one-click train. */
export const TrainConfig = z.strictObject({
  backboneId: z.string().min(1).max(200).optional(),
  hiddenUnits: z.int().min(0).max(4096).default(128),
  dropout: z.number().min(0).max(0.9).default(0.3),
  epochs: z.int().min(1).max(1000).default(60),
  learningRate: z.number().positive().max(1).default(0.001),
  /** 0 = choose from the dataset size. */
  batchSize: z.int().min(0).max(4096).default(0),
  /** Epochs without a better validation loss before stopping; 0 turns early stopping off. */
  patience: z.int().min(0).max(1000).default(8),
  classWeights: z.boolean().default(true),
  labelSmoothing: z.number().min(0).max(0.5).default(0.1),
  seed: z.int().nonnegative().max(2 ** 31).default(42),
  /** Augmented views per training image; absent = the project's augmentation setting. */
  augmentViews: z.int().min(0).max(16).optional(),
  fineTuneBlocks: z.int().min(0).max(20).default(0),
  /** Out-of-fold predictions for "likely mislabeled" (k folds; 0 = skip). */
  outOfFoldK: z.int().min(0).max(10).default(5),
});
export type TrainConfig = z.output<typeof TrainConfig>;
export type TrainConfigInput = z.input<typeof TrainConfig>;

export const ClassMetrics = z.object({
  classId: Id,
  name: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.int(),
});

export const SplitMetrics = z.object({
  count: z.int(),
  accuracy: z.number(),
  loss: z.number(),
  perClass: z.array(ClassMetrics),
  /** rows = true class, columns = predicted class, in the run's class order. */
  confusion: z.array(z.array(z.int())),
  topLosses: z.array(z.object({ imageId: Id, classId: Id, predictedId: Id, loss: z.number(), confidence: z.number() })),
});
export type SplitMetrics = z.infer<typeof SplitMetrics>;

export const RunSummary = z.object({
  id: Id,
  status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted']),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
  backend: z.string().nullable(),
  embedEngine: z.string().nullable(),
  backboneId: z.string().nullable(),
  classIds: z.array(Id),
  valAccuracy: z.number().nullable(),
  testAccuracy: z.number().nullable(),
  error: z.string().nullable(),
});
export type RunSummary = z.infer<typeof RunSummary>;
