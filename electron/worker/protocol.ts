// The messages between the main process and the engine worker. Main never imports tfjs: it
// sends a task name with its arguments and gets progress, events and one result back. Cancel
// is a flag in shared memory, so it reaches a worker that is busy in a synchronous kernel.
import { z } from 'zod';
import { EngineInfo as EngineInfoShape } from '../domain/engine-schemas.js';
import { ErrorInfo } from '../domain/result.js';
import type { Augmentation, Preprocessing, TrainConfig } from '../domain/schemas.js';
import type { BackendCapabilities } from '../engine/backend.js';
import type { ModelExportResult } from '../export/model/export-model.js';
import type { KerasRunImport, ModelExportFormat, TeachableImport, WeightQuantization } from '../domain/schemas.js';
import { InstallProgress, type ImportDetails, type ImportResult } from '../engine/backbones/install.js';
import type { EmbedAheadTasks } from './embed-tasks.js';

/** The backend the worker chose, as the contract describes it. */
export const BackendInfo = EngineInfoShape.shape.backend;
export type BackendInfo = z.infer<typeof BackendInfo>;

export interface EngineInfo {
  backend: BackendInfo;
  capabilities: BackendCapabilities;
  modelCache: string;
}

export interface TrainOutcome {
  runId: number;
  modelId: number;
  valAccuracy: number | null;
  testAccuracy: number | null;
  bestEpoch: number;
  epochs: number;
  /** Which engine embedded, and why faster ones were passed over. */
  embedder: {
    engine: string;
    skipped: Array<{ engine: string; reason: string }>;
    /** The backbone's ONNX conversion check, when onnxruntime was tried. */
    onnx: { ok: boolean; reason: string | null; maxRel: number | null; images: number } | null;
  };
  timings: { embedMs: number; trainMs: number; evaluateMs: number; predictMs: number; totalMs: number };
  embedded: { computed: number; cached: number; failed: number };
  /** Labeled images scored by out-of-fold heads for "likely mislabeled" (0 when skipped or deferred). */
  labelsChecked: number;
}

export interface ImageProbabilities {
  /** Index into the request's sources. */
  index: number;
  /** One per class of the run, in the run's class order; null when the image could not be read. */
  probs: number[] | null;
  error: string | null;
}

export interface PredictOutcome {
  runId: number;
  classIds: number[];
  classNames: string[];
  results: ImageProbabilities[];
}

export interface AugmentedSample {
  view: number;
  /** WebP bytes of the image exactly as the backbone sees it (after resize and augmentation). */
  webp: Uint8Array;
}

export type ImageInput = { path: string } | { bytes: Uint8Array };

/** Every task: its arguments, its result, and the progress/events it may send meanwhile. */
export interface EngineTasks extends EmbedAheadTasks {
  info: { args: Record<string, never>; result: EngineInfo };
  /** `deferLabelCheck`: the caller checks labels as its own follow-up job (the studio does). */
  train: { args: { projectDir: string; config: TrainConfig; deferLabelCheck?: boolean }; result: TrainOutcome };
  checkLabels: { args: { projectDir: string; runId: number }; result: { checked: number; ms: number } };
  predict: { args: { projectDir: string; runId: number; images: ImageInput[] }; result: PredictOutcome };
  augmentPreview: {
    /** `key` is the image's content hash: the same draw as its training views. */
    args: { image: ImageInput; key: string; preprocessing: Preprocessing; augmentation: Augmentation; count: number; seed: number };
    result: AugmentedSample[];
  };
  downloadBackbone: { args: { id: string; urls?: string[] }; result: { id: string; dir: string } };
  importBackbone: {
    args: { folder: string; details?: ImportDetails };
    result: { id: string; name: string; dir: string; matched: ImportResult['matched'] };
  };
  exportModel: {
    args: {
      projectDir: string;
      runId?: number;
      modelId?: number;
      format: ModelExportFormat;
      quantization?: WeightQuantization;
      sampleCount?: number;
      target?: { parentDir?: string; name?: string };
      exportId?: number;
    };
    result: ModelExportResult;
  };
  importTeachable: { args: { projectDir: string; folder: string }; result: TeachableImport };
  importKerasRun: { args: { projectDir: string; file: string }; result: KerasRunImport };
  predictTeachable: { args: { projectDir: string; modelId: number; images: ImageInput[] }; result: { labels: string[]; results: ImageProbabilities[] } };
}
export type TaskName = keyof EngineTasks;
export type TaskArgs<T extends TaskName> = EngineTasks[T]['args'];
export type TaskResult<T extends TaskName> = EngineTasks[T]['result'];

// The messages themselves are zod schemas, their types inferred, so the protocol is written once.

export const EpochEvent = z.object({
  kind: z.literal('epoch'),
  runId: z.int(),
  epoch: z.int(),
  trainLoss: z.number(),
  trainAcc: z.number(),
  valLoss: z.number().nullable(),
  valAcc: z.number().nullable(),
});
export type EpochEvent = z.infer<typeof EpochEvent>;
export const BatchEvent = z.object({ kind: z.literal('batch'), runId: z.int(), epoch: z.int(), batch: z.int(), loss: z.number() });
export type BatchEvent = z.infer<typeof BatchEvent>;
export const RunStartedEvent = z.object({ kind: z.literal('run-started'), runId: z.int() });
export type RunStartedEvent = z.infer<typeof RunStartedEvent>;
export const DownloadEvent = InstallProgress.extend({ kind: z.literal('download') });
export type DownloadEvent = z.infer<typeof DownloadEvent>;
export const TaskEvent = z.discriminatedUnion('kind', [EpochEvent, BatchEvent, RunStartedEvent, DownloadEvent]);
export type TaskEvent = z.infer<typeof TaskEvent>;

export const TaskProgress = z.object({ phase: z.string(), done: z.number(), total: z.number(), message: z.string().optional() });
export type TaskProgress = z.infer<typeof TaskProgress>;

/** Every task name, checked against EngineTasks below so neither list can miss one. */
export const TASK_NAMES = [
  'info',
  'train',
  'checkLabels',
  'embedPixels',
  'embedMissing',
  'predict',
  'augmentPreview',
  'downloadBackbone',
  'importBackbone',
  'exportModel',
  'importTeachable',
  'importKerasRun',
  'predictTeachable',
] as const satisfies readonly TaskName[];
type MissingTask = Exclude<TaskName, (typeof TASK_NAMES)[number]>;
const everyTaskNamed: [MissingTask] extends [never] ? true : MissingTask = true;
void everyTaskNamed;

export const ToWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id: z.int(), task: z.enum(TASK_NAMES), args: z.unknown(), cancel: z.instanceof(SharedArrayBuffer) }),
  z.object({ type: z.literal('shutdown') }),
]);
export type ToWorker = z.infer<typeof ToWorker>;

export const FromWorker = z.union([
  z.object({ type: z.literal('ready'), backend: BackendInfo }),
  z.object({ type: z.literal('startup-failed'), error: ErrorInfo }),
  z.object({ type: z.literal('progress'), id: z.int(), progress: TaskProgress }),
  z.object({ type: z.literal('event'), id: z.int(), event: TaskEvent }),
  z.object({ type: z.literal('result'), id: z.int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.int(), ok: z.literal(false), error: ErrorInfo }),
]);
export type FromWorker = z.infer<typeof FromWorker>;

export interface WorkerOptions {
  modelCache: string;
  /** Start lower on the backend ladder (tests, benchmarks). */
  preferBackend?: BackendInfo['name'];
}
