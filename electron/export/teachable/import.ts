// Importing a Teachable Machine export into a project: its labels become classes (existing ones
// of the same name are reused), the folder is copied into the project's models/ (atomically) and
// recorded as a model without a run, so that it can predict the project's images.
import fs from 'node:fs';
import path from 'node:path';
import { classNameFrom } from '../../dataset/layout.js';
import { StudioError } from '../../domain/result.js';
import type { TeachableImport } from '../../domain/schemas.js';
import { ensureClass, findClassByName } from '../../project/classes.js';
import { inTransaction, type Db } from '../../project/database.js';
import { importedModel, insertImportedModel } from '../../project/models.js';
import { resolveTarget, timestampedName, writeExportFolder } from '../folder.js';
import { readTeachableFolder } from './format.js';
import { loadTeachableModel } from './predict.js';

/** The backbone id recorded for imported Teachable Machine models (they carry their own). */
export const TEACHABLE_MODEL = 'teachable-machine';

export interface TeachableImportRequest {
  db: Db;
  projectDir: string;
  folder: string;
}

function classNames(labels: string[]): string[] {
  const names = labels.map((label) => {
    const name = classNameFrom(label);
    if (!name) throw new StudioError('invalid_payload', `The label ${JSON.stringify(label)} cannot be a class name.`);
    return name;
  });
  const seen = new Map<string, string>();
  for (const [i, name] of names.entries()) {
    const other = seen.get(name.toLowerCase());
    if (other !== undefined) throw new StudioError('invalid_payload', `The labels ${JSON.stringify(other)} and ${JSON.stringify(labels[i])} would be the same class.`);
    seen.set(name.toLowerCase(), labels[i]!);
  }
  return names;
}

export async function importTeachable({ db, projectDir, folder }: TeachableImportRequest): Promise<TeachableImport> {
  const source = path.resolve(folder);
  const tm = readTeachableFolder(source);
  const names = classNames(tm.metadata.labels);
  // Loading proves the files are a working model whose outputs match its labels.
  const loaded = await loadTeachableModel(source);
  const imageSize = loaded.preprocessing.inputSize;
  const preprocessing = loaded.preprocessing;
  loaded.dispose();

  const target = resolveTarget(projectDir, { parentDir: path.join(projectDir, 'models') }, timestampedName('teachable'));
  const { dir } = await writeExportFolder(target, async (staging) => {
    for (const file of tm.files) {
      fs.mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
      fs.copyFileSync(path.join(source, file), path.join(staging, file));
    }
  });
  try {
    return inTransaction(db, () => {
      const classes = names.map((name) => {
        const existing = findClassByName(db, name);
        const row = existing ?? ensureClass(db, name);
        return { id: row.id, name: row.name, created: existing === null };
      });
      const modelId = insertImportedModel(db, { kind: TEACHABLE_MODEL, preprocessing, labels: tm.metadata.labels, path: path.relative(projectDir, dir) });
      return { modelId, dir, labels: tm.metadata.labels, imageSize, classes };
    });
  } catch (error) {
    // The database refused: the copied folder must not linger unreferenced.
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The folder of an imported Teachable Machine model of this project. */
export function teachableModelDir(db: Db, projectDir: string, modelId: number): { dir: string; labels: string[] } {
  const row = importedModel(db, modelId);
  if (!row) throw new StudioError('not_found', `There is no model ${modelId}.`);
  if (row.kind !== TEACHABLE_MODEL) throw new StudioError('conflict', `Model ${modelId} was trained in the studio, not imported from Teachable Machine; use predict:images with its run.`);
  return { dir: path.resolve(projectDir, row.path), labels: JSON.parse(row.labels) as string[] };
}
