// Domain shapes that cross the IPC boundary. Every type the renderer sees is inferred from
// one of these schemas, so the runtime check and the compile-time type cannot drift apart.
import { z } from 'zod';
import { resolveUserPath } from './user-path.js';

export const Id = z.int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * A file-system path chosen by the user (dialog, path field or browser): absolute, `~/…` or
 * relative to the home folder; handlers receive it absolute (see user-path.ts).
 */
export const AbsolutePath = z
  .string()
  .max(4096, 'The path is too long.')
  .transform((typed, ctx) => {
    const resolved = resolveUserPath(typed);
    if (resolved.ok) return resolved.path;
    ctx.addIssue({ code: 'custom', message: resolved.message });
    return z.NEVER;
  });

export const Split = z.enum(['train', 'val', 'test', 'unassigned']);
export type Split = z.infer<typeof Split>;

export const ImageStatus = z.enum(['ok', 'missing', 'corrupt']);
/** Who set a label: a person, an import's folder or CSV, the model's suggestion, or the camera capture it was recorded for. */
export const LabelSource = z.enum(['human', 'import', 'model', 'capture']);
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
  /** The newest finished run's prediction (the card's suggestion); null before any run or for images it did not see. */
  prediction: z
    .object({
      classId: Id.nullable(),
      confidence: z.number(),
      margin: z.number(),
      /** Of the label the image had at training time; null for images that were unlabeled then. */
      loss: z.number().nullable(),
    })
    .nullable(),
});
export type ImageRow = z.infer<typeof ImageRow>;

/** Most ids a filter can name: a health finding, a confusion cell, a saved selection. */
export const MAX_FILTER_IDS = 10_000;

export const ImageFilter = z.strictObject({
  classId: Id.optional(),
  unlabeled: z.boolean().optional(),
  split: Split.optional(),
  nameContains: z.string().max(256).optional(),
  /** Only these images (e.g. the images of a health finding). */
  imageIds: z.array(Id).min(1).max(MAX_FILTER_IDS).optional(),
  // By the newest finished run's predictions (as PredictionFilter names them); before any
  // run these match nothing.
  predictedClassId: Id.optional(),
  /** Labeled images whose predicted class is not their label. */
  disagreements: z.boolean().optional(),
  /** Only predictions at or below this confidence. */
  maxConfidence: z.number().min(0).max(1).optional(),
});
export type ImageFilter = z.infer<typeof ImageFilter>;

/**
 * Grid order: date added (ids grow with it) or file name, either way round; or by the newest
 * finished run's predictions, which lists only the images it predicted: 'uncertain' smallest
 * margin first, 'loss' highest loss first (images unlabeled at training time, with no loss, last).
 */
export const ImageSort = z.enum(['added', 'added-desc', 'name', 'name-desc', 'uncertain', 'loss']);
export type ImageSort = z.infer<typeof ImageSort>;

export const LabelSummary = z.object({
  total: z.int(),
  labeled: z.int(),
  unlabeled: z.int(),
  perClass: z.array(z.object({ classId: Id, count: z.int() })),
  /** Images per split, and how many of them are labeled. */
  perSplit: z.array(z.object({ split: Split, count: z.int(), labeled: z.int() })),
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

export const RecentProject = z.object({
  path: z.string(),
  name: z.string(),
  openedAt: z.number(),
  /** False when the folder no longer holds a project (moved, deleted, disk not mounted). */
  exists: z.boolean(),
});
export type RecentProject = z.infer<typeof RecentProject>;

export const LabelChange = z.object({
  /** 0 when nothing changed (e.g. the images already had that label). */
  actionId: z.int().nonnegative(),
  changed: z.int().nonnegative(),
  imageIds: z.array(Id),
  /** Set when undo/redo also brought back or removed a class (a class deletion). */
  classesChanged: z.boolean().optional(),
});
export type LabelChange = z.infer<typeof LabelChange>;

export const ResizeMode = z.enum(['squash', 'center-crop', 'letterbox']);
/**
 * How 0..255 pixels are scaled for a backbone: x/127.5 - 1, x/255, x as is, or x/127 - 1 (what
 * Teachable Machine's library feeds its models; imported Teachable Machine models need it).
 */
export const Scaling = z.enum(['minus1to1', 'zero1', 'raw255', 'teachable']);

/**
 * The resize kernel. 'bilinear': half-pixel-centre bilinear over Teachable Machine's crop
 * arithmetic, in the studio's own code, which tf.image.resizeBilinear, ONNX Resize and a canvas
 * reproduce (issue 22). 'lanczos3': sharp's default, what every spec without this field used.
 */
export const Resampling = z.enum(['lanczos3', 'bilinear']);
export type Resampling = z.infer<typeof Resampling>;

/**
 * An embedded colour profile (ICC). 'ignore': the decoded values are used as stored, which every
 * deployment reproduces byte for byte (a browser's createImageBitmap with colorSpaceConversion
 * 'none', Pillow's plain decode, sharp's ignoreIcc); 'convert': converted to sRGB, what every
 * spec without this field did (each library rounds that conversion its own way).
 */
export const ColourProfile = z.enum(['convert', 'ignore']);
export type ColourProfile = z.infer<typeof ColourProfile>;

/** Preprocessing is data: the same object drives training, prediction and every export. */
export const Preprocessing = z.strictObject({
  inputSize: z.int().min(32).max(1024),
  resizeMode: ResizeMode,
  scaling: Scaling,
  /** Absent in specs recorded before issue 22: they mean 'lanczos3' (see resamplingOf). */
  resampling: Resampling.optional(),
  /** Absent in specs recorded before it existed: they mean 'convert' (see colourProfileOf). */
  colourProfile: ColourProfile.optional(),
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

export const JobKind = z.enum(['import', 'train', 'embed', 'evaluate', 'export', 'health', 'download']);
export const JobProgress = z.object({
  jobId: z.string(),
  kind: JobKind,
  phase: z.string(),
  done: z.number().nonnegative(),
  total: z.number().nonnegative(),
  etaMs: z.number().nonnegative().nullable(),
  message: z.string().optional(),
});
/**
 * Made by the page once per user intent (a click) and sent with a job-starting request: a
 * repeat with the same key while that job starts or runs answers with the same job.
 */
export const ClientKey = z.string().min(1).max(64).regex(/^[\w-]+$/, 'a client key is letters, digits, - and _');

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
  /** Files that reappeared under another path with known content (moved or renamed). */
  moved: z.int().nonnegative(),
  /** Files the batch could not use (listed in that import's report). */
  problems: z.int().nonnegative(),
  importId: Id.nullable(),
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
  /** Top backbone blocks trained with the head (MobileNetV2: 1-3, from cached activations); 0 = frozen. */
  fineTuneBlocks: z.int().min(0).max(20).default(0),
  /**
   * Head selection by validation: 'auto' compares the configured head with softmax regression on
   * the first training and lets a retrain with the same classes reuse that choice; 'always'
   * selects on every run; 'off' trains the configured head only.
   */
  headSearch: z.enum(['auto', 'always', 'off']).default('auto'),
  /** When validation was carved from the training photos (k folds or a hold-out): after selection, retrain the chosen head on all of them. */
  refit: z.boolean().default(true),
  /**
   * Heads a refit trains with different seeds and averages into one (mean logits, exported as
   * one ordinary head, see merge-heads.ts): a small dataset's head otherwise depends on its seed.
   */
  refitMembers: z.int().min(1).max(8).default(3),
  fineTuneLearningRate: z.number().positive().max(0.1).default(0.001),
  /** Most fine-tuning epochs (stopped early on validation loss; the frozen model is kept if none is better). */
  fineTuneEpochs: z.int().min(1).max(100).default(8),
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
  /** The backbone's name and installDigest() as the run used them (null for older runs). */
  backboneName: z.string().nullable(),
  backboneSha256: z.string().nullable(),
  classIds: z.array(Id),
  valAccuracy: z.number().nullable(),
  testAccuracy: z.number().nullable(),
  error: z.string().nullable(),
});
export type RunSummary = z.infer<typeof RunSummary>;

// ---- Dataset curation: import, watched folders, health check, splits ----

export const ImportKind = z.enum(['folder', 'files', 'csv', 'watch']);
export type ImportKind = z.infer<typeof ImportKind>;
export const ImportStatus = z.enum(['running', 'done', 'cancelled', 'failed', 'interrupted']);
export type ImportStatus = z.infer<typeof ImportStatus>;

/** Why a file was not imported; each comes with a message that names the file's own detail. */
export const ProblemReason = z.enum([
  'zero_bytes',
  'truncated',
  'corrupt',
  'not_image',
  'too_many_pixels',
  'unreadable',
  'broken_symlink',
  'symlink_loop',
  /** A link to a folder outside the imported one (not followed). */
  'symlink_outside',
  /** The scan stopped at its cap of entries. */
  'scan_limit',
  'unsupported_format',
  'not_found',
  'bad_row',
]);
export type ProblemReason = z.infer<typeof ProblemReason>;

const Count = z.int().nonnegative();
export const ImportCounts = z.object({
  /** Files looked at (candidates after the scan). */
  seen: Count,
  /** New image contents. */
  added: Count,
  /** New paths of content already in the project (exact duplicates). */
  duplicates: Count,
  /** Paths already imported with the same size and mtime: not hashed again. */
  unchanged: Count,
  /** Paths whose content changed since they were imported. */
  updated: Count,
  /** Images that had no file left and were found again (moved or renamed). */
  restored: Count,
  /** Paths that disappeared and were marked missing (their labels are kept). */
  missing: Count,
  problems: Count,
  /** Hidden files and folders skipped on purpose (.DS_Store, .git, ...). */
  ignored: Count,
  labeled: Count,
});
export type ImportCounts = z.infer<typeof ImportCounts>;

export const ImportSummary = z.object({
  id: Id,
  kind: ImportKind,
  source: z.string(),
  /** What the folder layout was read as: 'split/class', 'class', 'flat', 'mixed', 'csv', 'files'. */
  layout: z.string().nullable(),
  status: ImportStatus,
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  counts: ImportCounts.nullable(),
  error: z.string().nullable(),
});
export type ImportSummary = z.infer<typeof ImportSummary>;

export const ImportProblem = z.object({ path: z.string(), reason: ProblemReason, message: z.string() });
export type ImportProblem = z.infer<typeof ImportProblem>;

export const ImportReport = ImportSummary.extend({
  problems: z.array(ImportProblem),
  /** All problems of the import; `problems` holds the requested page of them. */
  problemTotal: Count,
});
export type ImportReport = z.infer<typeof ImportReport>;

export const ImportStarted = z.object({ jobId: z.string(), importId: Id });

export const WatchedFolder = z.object({
  id: Id,
  path: z.string(),
  addedAt: z.number(),
  /** False when the folder is stored but could not be watched (e.g. it is gone). */
  active: z.boolean(),
  error: z.string().nullable(),
});
export type WatchedFolder = z.infer<typeof WatchedFolder>;

export const HealthFindingKind = z.enum([
  'class_imbalance',
  'class_missing_in_split',
  'exact_duplicate',
  'near_duplicate',
  'split_leakage',
  'tiny',
  'grayscale',
  'extreme_aspect',
  'low_information',
  'rare_format',
  'missing_file',
  'unlabeled',
  'empty_class',
  'too_few_images',
  'no_test_split',
]);
export type HealthFindingKind = z.infer<typeof HealthFindingKind>;

export const HealthGroup = z.object({
  imageIds: z.array(Id),
  splits: z.array(Split),
  /** Exact duplicates: the paths holding that content. */
  paths: z.array(z.string()).optional(),
  /** Near duplicates: the largest distance inside the group (Hamming bits or 1 - cosine). */
  distance: z.number().nullable(),
});
export type HealthGroup = z.infer<typeof HealthGroup>;

export const HealthFinding = z.object({
  kind: HealthFindingKind,
  severity: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  /** How many images the finding concerns. */
  count: Count,
  /** The images, capped (see HEALTH_ID_CAP); `count` is the full number. */
  imageIds: z.array(Id),
  groups: z.array(HealthGroup).optional(),
});
export type HealthFinding = z.infer<typeof HealthFinding>;

export const SplitHealth = z.object({
  split: Split,
  total: Count,
  unlabeled: Count,
  perClass: z.array(z.object({ classId: Id, count: Count })),
  /** Largest class count over smallest (null with fewer than two classes present). */
  imbalance: z.number().nullable(),
});

export const HealthReport = z.object({
  createdAt: z.number(),
  imageCount: Count,
  /** How near duplicates were found: 'dhash' now, 'embedding:<backbone>' once embeddings exist. */
  nearDuplicateMethod: z.string(),
  splits: z.array(SplitHealth),
  findings: z.array(HealthFinding),
});
export type HealthReport = z.infer<typeof HealthReport>;

export const SplitAssignment = z.object({
  assigned: Count,
  perSplit: z.array(z.object({ split: Split, count: Count })),
});
export type SplitAssignment = z.infer<typeof SplitAssignment>;

// ---- Exports: model formats with their parity check, the dataset, predictions ----

export const ModelExportFormat = z.enum(['tfjs', 'teachable', 'onnx', 'tflite', 'keras', 'bundle', 'card']);
export type ModelExportFormat = z.infer<typeof ModelExportFormat>;
export const WeightQuantization = z.enum(['float16', 'uint8', 'int8']);
export type WeightQuantization = z.infer<typeof WeightQuantization>;
export const DatasetLayout = z.enum(['class', 'split-class', 'csv']);
export type DatasetLayout = z.infer<typeof DatasetLayout>;
export const ExportKind = z.enum(['model', 'dataset', 'predictions']);
export type ExportKind = z.infer<typeof ExportKind>;

/** A folder name for an export: portable to every desktop file system. */
export const ExportName = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .refine((s) => !/[\u0000-\u001f/\\:*?"<>|]/.test(s) && !s.startsWith('.') && !/[. ]$/.test(s), 'an export name cannot start with a dot, end with a dot or space, or hold / \\ : * ? " < > | or control characters');

export const PredictionFilter = z.strictObject({
  split: Split.optional(),
  /** The image's current label. */
  labelClassId: Id.optional(),
  predictedClassId: Id.optional(),
  unlabeled: z.boolean().optional(),
  /** Labeled images the model disagrees with. */
  disagreements: z.boolean().optional(),
  /** Only predictions at or below this confidence. */
  maxConfidence: z.number().min(0).max(1).optional(),
});
export type PredictionFilter = z.infer<typeof PredictionFilter>;

/**
 * The export fed through a deployment's own preprocessing (issue 22): photo files decoded and
 * resized as its README says, against the studio's answer for the same photos.
 */
export const PipelineParity = z.object({
  /** What fed the model, e.g. "sharp decode + tf.image.resizeBilinear (half-pixel centres)". */
  pipeline: z.string(),
  examples: Count,
  maxAbs: z.number().nullable(),
  top1Agreement: z.number().nullable(),
  passed: z.boolean(),
});
export type PipelineParity = z.infer<typeof PipelineParity>;

export const ExportParity = z.object({
  kind: z.enum(['embedding', 'probabilities', 'logits']),
  examples: Count,
  /** max |Δ| over every value; null when an output was not a number (fails). */
  maxAbs: z.number().nullable(),
  scale: z.number(),
  maxRel: z.number().nullable(),
  top1Agreement: z.number().nullable(),
  passed: z.boolean(),
  target: z.string(),
  /** Float32 exports are held to the target; quantized ones report their drop. */
  judged: z.boolean(),
  /** The runtime that reloaded the exported files. */
  runtime: z.string(),
  quantization: WeightQuantization.nullable(),
  /** Where the sample images came from, e.g. "val" or "val+train". */
  split: z.string(),
  images: z.array(z.object({ imageId: Id, path: z.string() })),
  /** The export against the predictions the studio stored when it trained (float16 cached embeddings). */
  stored: z.object({ compared: Count, maxAbs: z.number(), top1Agreement: z.number() }).nullable(),
  /** Through the deployment's preprocessing from the photo files; absent for Lanczos3 specs and older exports. */
  pipeline: PipelineParity.nullable().optional(),
  ms: z.number().nonnegative(),
});
export type ExportParity = z.infer<typeof ExportParity>;

export const ExportOptions = z.object({
  quantization: WeightQuantization.nullable().optional(),
  sampleCount: Count.optional(),
  layout: DatasetLayout.optional(),
  splits: z.array(Split).optional(),
  includeUnlabeled: z.boolean().optional(),
  filter: PredictionFilter.optional(),
});
export type ExportOptions = z.infer<typeof ExportOptions>;

export const ExportSummary = z.object({
  files: Count,
  /** CSV rows written (dataset and predictions exports). */
  rows: Count,
  /** Images left out, with the reason (capped; skippedTotal is the full count). */
  skipped: z.array(z.object({ imageId: Id, reason: z.string() })),
  skippedTotal: Count,
  warnings: z.array(z.string()),
});
export type ExportSummary = z.infer<typeof ExportSummary>;

/** 'running' from the start; 'interrupted' when the process that ran it died before it settled. */
export const ExportStatus = z.enum(['running', 'done', 'failed', 'cancelled', 'interrupted']);
export type ExportStatus = z.infer<typeof ExportStatus>;

/** What an export channel answers at once: its job, and its row in export:list (status 'running'). */
export const ExportStarted = z.object({ jobId: z.string(), exportId: Id });

export const ExportRecord = z.object({
  id: Id,
  kind: ExportKind,
  format: z.string(),
  runId: Id.nullable(),
  modelId: Id.nullable(),
  createdAt: z.number(),
  /** Absolute. */
  path: z.string(),
  status: ExportStatus,
  /** Whether the folder is still where it was written. */
  exists: z.boolean(),
  bytes: Count.nullable(),
  options: ExportOptions,
  parity: ExportParity.nullable(),
  passed: z.boolean().nullable(),
  summary: ExportSummary.nullable(),
  error: z.string().nullable(),
});
export type ExportRecord = z.infer<typeof ExportRecord>;

export const TeachableImport = z.object({
  modelId: Id,
  /** Where the model now lives inside the project. */
  dir: z.string(),
  labels: z.array(z.string()),
  imageSize: z.int(),
  classes: z.array(z.object({ id: Id, name: z.string(), created: z.boolean() })),
});
export type TeachableImport = z.infer<typeof TeachableImport>;

/** A .keras model imported as a run of the project (the training bundle's output/model.keras). */
export const KerasRunImport = z.object({
  runId: Id,
  modelId: Id,
  classNames: z.array(z.string()),
  valAccuracy: z.number().nullable(),
  testAccuracy: z.number().nullable(),
});
export type KerasRunImport = z.infer<typeof KerasRunImport>;
