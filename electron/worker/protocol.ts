// The messages between the main process and the engine worker. Main never imports tfjs: it
// sends a task name with its arguments and gets progress, events and one result back. Cancel
// is a flag in shared memory, so it reaches a worker that is busy in a synchronous kernel.
import type { ErrorInfo } from '../domain/result.js';
import type { Augmentation, Preprocessing, TrainConfig } from '../domain/schemas.js';
import type { BackendCapabilities, BackendInfo } from '../engine/backend.js';
import type { ModelExportResult } from '../export/model/export-model.js';
import type { ModelExportFormat, TeachableImport, WeightQuantization } from '../domain/schemas.js';
import type { InstallProgress } from '../engine/backbones/install.js';

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
  /** Labeled images scored by out-of-fold heads for "likely mislabeled" (0 when skipped). */
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
export interface EngineTasks {
  info: { args: Record<string, never>; result: EngineInfo };
  train: { args: { projectDir: string; config: TrainConfig }; result: TrainOutcome };
  checkLabels: { args: { projectDir: string; runId: number }; result: { checked: number; ms: number } };
  predict: { args: { projectDir: string; runId: number; images: ImageInput[] }; result: PredictOutcome };
  augmentPreview: {
    /** `key` is the image's content hash: the same draw as its training views. */
    args: { image: ImageInput; key: string; preprocessing: Preprocessing; augmentation: Augmentation; count: number; seed: number };
    result: AugmentedSample[];
  };
  downloadBackbone: { args: { id: string; urls?: string[] }; result: { id: string; dir: string } };
  importBackbone: { args: { folder: string }; result: { id: string; dir: string } };
  exportModel: {
    args: {
      projectDir: string;
      runId?: number;
      modelId?: number;
      format: ModelExportFormat;
      quantization?: WeightQuantization;
      sampleCount?: number;
      target?: { parentDir?: string; name?: string };
    };
    result: ModelExportResult;
  };
  importTeachable: { args: { projectDir: string; folder: string }; result: TeachableImport };
  predictTeachable: { args: { projectDir: string; modelId: number; images: ImageInput[] }; result: { labels: string[]; results: ImageProbabilities[] } };
}
export type TaskName = keyof EngineTasks;
export type TaskArgs<T extends TaskName> = EngineTasks[T]['args'];
export type TaskResult<T extends TaskName> = EngineTasks[T]['result'];

export interface EpochEvent {
  kind: 'epoch';
  runId: number;
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number | null;
  valAcc: number | null;
}
export interface BatchEvent {
  kind: 'batch';
  runId: number;
  epoch: number;
  batch: number;
  loss: number;
}
export interface RunStartedEvent {
  kind: 'run-started';
  runId: number;
}
export interface DownloadEvent extends InstallProgress {
  kind: 'download';
}
export type TaskEvent = EpochEvent | BatchEvent | RunStartedEvent | DownloadEvent;

export interface TaskProgress {
  phase: string;
  done: number;
  total: number;
  message?: string;
}

export type ToWorker =
  | { type: 'call'; id: number; task: TaskName; args: unknown; cancel: SharedArrayBuffer }
  | { type: 'shutdown' };

export type FromWorker =
  | { type: 'ready'; backend: BackendInfo }
  | { type: 'startup-failed'; error: ErrorInfo }
  | { type: 'progress'; id: number; progress: TaskProgress }
  | { type: 'event'; id: number; event: TaskEvent }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ErrorInfo };

export interface WorkerOptions {
  modelCache: string;
  /** Start lower on the backend ladder (tests, benchmarks). */
  preferBackend?: BackendInfo['name'];
}
