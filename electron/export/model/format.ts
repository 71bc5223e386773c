// What every model format module provides: whether it can export a run, how it writes its files
// into the staging folder, and how to reload those files the way a user would.
import type { ModelExportFormat, WeightQuantization } from '../../domain/schemas.js';
import type { Db } from '../../project/database.js';
import type { CandidateModel } from './parity-check.js';
import type { ModelSource } from './source.js';
import type { StudioModel } from './studio-model.js';

export interface FormatInput {
  staging: string;
  source: ModelSource;
  studio: StudioModel;
  quantization: WeightQuantization | null;
  /** For metadata: "<project> run 3". */
  modelName: string;
  exportedAt: Date;
  /** The project, for formats that learn from its photos (TFLite int8 calibration). */
  db: Db;
}

export interface FormatOutput {
  /** Written files, relative to the export folder. */
  files: string[];
  weightBytes: number | null;
  float32WeightBytes: number | null;
  warnings: string[];
  /** Loads the written files in a fresh runtime (a user's). */
  reload(): Promise<CandidateModel>;
}

export interface ModelFormatWriter {
  id: Exclude<ModelExportFormat, 'card'>;
  title: string;
  /** Why this run cannot be exported in this format with these options; null when it can. */
  refusal(source: ModelSource, quantization: WeightQuantization | null): string | null;
  write(input: FormatInput): Promise<FormatOutput>;
}
