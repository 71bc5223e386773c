// Everything a model card says, gathered once from the project database and the export; the
// Markdown and HTML renderings read only this.
import type { ExportParity, ModelExportFormat, Preprocessing, SplitMetrics, WeightQuantization } from '../../domain/schemas.js';
import type { Db } from '../../project/database.js';
import { listExports } from '../../project/exports.js';
import { labelCountsByClassAndSplit } from '../../project/labels.js';
import { runFacts } from '../../project/runs.js';
import { readMeta } from '../../project/settings.js';
import { inputSpecFile, type InputSpecFile } from '../model/input-spec.js';
import type { ModelSource } from '../model/source.js';
import { knownLimitations } from './limitations.js';

export interface ClassCounts {
  classId: number;
  name: string;
  train: number;
  val: number;
  test: number;
  unassigned: number;
}

export interface EarlierCheck {
  format: string;
  createdAt: number;
  parity: ExportParity;
}

export interface CardData {
  title: string;
  projectName: string;
  runId: number;
  modelId: number;
  trainedAt: number | null;
  exportedAt: Date;
  format: ModelExportFormat;
  formatTitle: string;
  quantization: WeightQuantization | null;
  backbone: { id: string; name: string; description: string; licence: string; format: string; embeddingSize: number };
  preprocessing: Preprocessing;
  input: InputSpecFile;
  training: Array<[string, string]>;
  backend: string | null;
  embedEngine: string | null;
  bestEpoch: number | null;
  epochs: number | null;
  classes: ClassCounts[];
  /** Validation images were held out of train by the run (the project had no val split). */
  heldOutValidation: boolean;
  val: SplitMetrics | null;
  test: SplitMetrics | null;
  parity: ExportParity | null;
  earlierChecks: EarlierCheck[];
  limitations: string[];
  files: string[];
}

interface RunRow {
  finishedAt: number | null;
  backend: string | null;
  embedEngine: string | null;
  metrics: string | null;
}

function classCounts(db: Db, source: ModelSource): ClassCounts[] {
  const rows = labelCountsByClassAndSplit(db);
  return source.classIds.map((classId, c) => {
    const counts: ClassCounts = { classId, name: source.classNames[c]!, train: 0, val: 0, test: 0, unassigned: 0 };
    for (const r of rows) if (r.classId === classId) counts[r.split] = r.n;
    return counts;
  });
}

/** What a run's metrics say about its head (runs.metrics.head; absent before head selection). */
export interface HeadFacts {
  chosen: { kind: 'linear' | 'mlp'; param: number };
  refitMembers?: number | null;
  /** A retrain that started from an earlier run's head (engine/training/warm-start.ts). */
  warmStart?: { fromRun: number; epochs: number } | null;
}

/**
 * The head's layers as the run saved them: the chosen head (head selection may have picked
 * softmax regression over the configured MLP), and a refit ensemble's members merged side by
 * side (refit-ensemble.ts), so the card describes the layers an exported file holds.
 */
export function headDescription(config: { hiddenUnits: number; dropout: number }, nClasses: number, head: HeadFacts | undefined): string {
  const hidden = head ? (head.chosen.kind === 'mlp' ? head.chosen.param : 0) : config.hiddenUnits;
  const members = head?.refitMembers ?? 1;
  const dropout = hidden > 0 ? config.dropout : 0;
  const layers = `${hidden > 0 ? `dense ${hidden * members} (ReLU) → ` : ''}${dropout > 0 ? `dropout ${dropout} → ` : ''}dense ${nClasses} (softmax)`;
  const kind = hidden > 0 ? `MLPs of ${hidden} hidden units` : 'softmax regressions';
  const described = members > 1 ? `${layers}: ${members} ${kind} trained with different seeds, merged into one (their averaged logits)` : layers;
  const warm = head?.warmStart;
  return warm ? `${described}; this run started from run ${warm.fromRun}'s head and trained it ${warm.epochs} more epoch${warm.epochs === 1 ? '' : 's'} on all its training photos` : described;
}

function trainingRows(source: ModelSource, head: HeadFacts | undefined): Array<[string, string]> {
  const c = source.config;
  const a = c.augmentation;
  const augmentation = [
    a.flipHorizontal && 'horizontal flip',
    a.flipVertical && 'vertical flip',
    a.rotationDeg > 0 && `rotation ±${a.rotationDeg}°`,
    a.zoom > 0 && `zoom ${Math.round(a.zoom * 100)}%`,
    a.brightness > 0 && `brightness ±${Math.round(a.brightness * 100)}%`,
    a.contrast > 0 && `contrast ±${Math.round(a.contrast * 100)}%`,
    a.saturation > 0 && `saturation ±${Math.round(a.saturation * 100)}%`,
  ].filter(Boolean);
  return [
    ['Backbone', 'frozen (embeddings cached); only the head is trained'],
    ['Head', headDescription(c, c.classNames.length, head)],
    ['Optimizer', `Adam, learning rate ${c.learningRate}`],
    ['Epochs', `up to ${c.epochs}${c.patience > 0 ? `, early stopping after ${c.patience} without a better validation loss (best weights kept)` : ''}`],
    ['Batch size', c.batchSize > 0 ? String(c.batchSize) : 'automatic'],
    ['Class weights', c.classWeights ? 'balanced' : 'none'],
    ['Label smoothing', String(c.labelSmoothing)],
    ['Augmentation', c.views > 0 && augmentation.length ? `${c.views} view(s) per training image: ${augmentation.join(', ')}` : 'none'],
    ['Seed', String(c.seed)],
    ['Fine-tuned backbone blocks', String(c.fineTuneBlocks)],
    ['Out-of-fold label check', c.outOfFoldK >= 2 ? `${c.outOfFoldK} folds` : 'off'],
  ];
}

export interface CardInput {
  source: ModelSource;
  projectDir: string;
  format: ModelExportFormat;
  formatTitle: string;
  quantization: WeightQuantization | null;
  parity: ExportParity | null;
  files: string[];
  exportedAt: Date;
  warnings: string[];
}

export function cardData(db: Db, input: CardInput): CardData {
  const { source } = input;
  const run = runFacts(db, source.runId) as RunRow;
  const metrics = run.metrics ? (JSON.parse(run.metrics) as { val?: SplitMetrics | null; test?: SplitMetrics | null; bestEpoch?: number; epochs?: number; head?: HeadFacts }) : {};
  const classes = classCounts(db, source);
  const val = metrics.val ?? null;
  const test = metrics.test ?? null;
  const heldOutValidation = (val?.count ?? 0) > 0 && classes.every((c) => c.val === 0);
  const projectName = readMeta(db, 'name') ?? 'project';
  const earlierChecks = listExports(db, input.projectDir, { limit: 50, runId: source.runId, finished: true })
    .filter((e) => e.parity)
    .map((e) => ({ format: e.format, createdAt: e.createdAt, parity: e.parity! }));
  const data: CardData = {
    title: `${projectName}: run ${source.runId} (${source.classNames.join(', ')})`,
    projectName,
    runId: source.runId,
    modelId: source.modelId,
    trainedAt: run.finishedAt,
    exportedAt: input.exportedAt,
    format: input.format,
    formatTitle: input.formatTitle,
    quantization: input.quantization,
    backbone: {
      id: source.backbone.id,
      name: source.backbone.name,
      description: source.backbone.description,
      licence: source.backbone.licence,
      format: source.backbone.format === 'layers' ? 'TF.js LayersModel' : 'TF.js GraphModel',
      embeddingSize: source.config.embeddingDim,
    },
    preprocessing: source.preprocessing,
    input: inputSpecFile(source.preprocessing, source.backbone, source.classNames, 'external'),
    training: trainingRows(source, metrics.head),
    backend: run.backend,
    embedEngine: run.embedEngine,
    bestEpoch: metrics.bestEpoch ?? null,
    epochs: metrics.epochs ?? null,
    classes,
    heldOutValidation,
    val,
    test,
    parity: input.parity,
    earlierChecks,
    limitations: [],
    files: input.files,
  };
  data.limitations = [...knownLimitations(data), ...input.warnings];
  return data;
}
