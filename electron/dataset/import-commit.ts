// The write half of an import: outcomes are committed in the order of the plan, a batch per
// transaction, so a kill loses at most the batch in flight and a re-run reaches the state an
// uninterrupted import would have (every rule below depends on that order only).
//
// Hints from folders or CSV rows never override a human's label; an import label moves with
// its file (a file moved to another class folder) unless another copy of the content still
// sits in the old place, in which case the first one wins.
import type { ImportCounts } from '../domain/schemas.js';
import { createClass, findClassByName } from '../project/classes.js';
import { inTransaction, type Db } from '../project/database.js';
import { insertImage } from '../project/images.js';
import { applyLabels } from '../project/labels.js';
import { hasOtherPresentPath, imageByHash, lookupPath, markPathsMissing, recordProblems, refreshStatus } from '../project/dataset-catalog.js';
import { classExists, currentLabel, dropUnlabeledClasses, imageSplitSource, replaceImageContent, setHintedSplit, touchImagePath, writeImageFeatures } from '../project/imported-files.js';
import type { Outcome } from './examine.js';
import type { Candidate } from './import-plan.js';

export interface CommitState {
  db: Db;
  importId: number;
  counts: ImportCounts;
  /** Class ids by class name, created up front in plan order. */
  classIds: Map<string, number>;
}

/**
 * Creates the classes the plan mentions, in the plan's order, so ids do not depend on timing.
 * `created` lists the new ones: dropEmptyNewClasses removes those no image ended up in.
 */
export function prepareClasses(db: Db, candidates: readonly Candidate[]): { ids: Map<string, number>; created: number[] } {
  const ids = new Map<string, number>();
  const created: number[] = [];
  inTransaction(db, () => {
    for (const c of candidates) {
      if (!c.className || ids.has(c.className)) continue;
      const existing = findClassByName(db, c.className);
      const row = existing ?? createClass(db, { name: c.className });
      if (!existing) created.push(row.id);
      ids.set(c.className, row.id);
    }
  });
  return { ids, created };
}

/**
 * An import never leaves a class with no images: a sub-folder holding only a readme or broken
 * files must not become a class (nor take a number key). Returns how many were removed.
 */
export function dropEmptyNewClasses(db: Db, created: readonly number[]): number {
  if (created.length === 0 || !db.open) return 0;
  return dropUnlabeledClasses(db, created);
}

function writeFeatures(db: Db, imageId: number, outcome: Extract<Outcome, { kind: 'content' }>): void {
  if (!outcome.probe || !outcome.stats) return;
  const { probe, stats } = outcome;
  writeImageFeatures(db, imageId, { ...probe, ...stats });
}

/** A label decided in this batch, written together at its end. */
interface PendingLabel {
  classId: number;
  source: 'import' | 'capture';
}

function hintClassId(state: CommitState, c: Candidate): number | null {
  if (c.classId !== undefined) {
    // The class was chosen by id when the frames were recorded; it may have been deleted since.
    return classExists(state.db, c.classId) ? c.classId : null;
  }
  return (c.className && state.classIds.get(c.className)) || null;
}

/**
 * The label the candidate's hint gives the image, if any. `pending` holds the labels decided
 * earlier in this batch (written together at its end), so that the outcome does not depend on
 * where batch boundaries fall. A capture hint is the person's explicit choice, like a CSV row.
 */
function hintLabel(state: CommitState, imageId: number, c: Candidate, pending: ReadonlyMap<number, PendingLabel>): PendingLabel | null {
  const classId = hintClassId(state, c);
  if (classId === null) return null;
  const source = c.hintSource === 'capture' ? 'capture' : 'import';
  const queued = pending.get(imageId);
  const current =
    queued !== undefined ? { class_id: queued.classId, source: queued.source } : currentLabel(state.db, imageId);
  if (!current) return { classId, source };
  if (current.class_id === classId || current.source !== 'import') return null;
  return c.hintSource === 'csv' || c.hintSource === 'capture' || !hasOtherPresentPath(state.db, imageId, c.path) ? { classId, source } : null;
}

function applySplitHint(state: CommitState, imageId: number, c: Candidate): void {
  if (!c.split || !c.hintSource) return;
  const row = imageSplitSource(state.db, imageId);
  if (row.split === c.split && row.split_source === c.hintSource) return;
  const free = row.split === 'unassigned' || row.split_source === null || row.split_source === 'auto';
  const movable = (row.split_source === 'folder' || row.split_source === 'csv') && (c.hintSource === 'csv' || !hasOtherPresentPath(state.db, imageId, c.path));
  if (free || movable) setHintedSplit(state.db, imageId, c.split, c.hintSource);
}

function commitContent(state: CommitState, outcome: Extract<Outcome, { kind: 'content' }>): number {
  const { db, counts } = state;
  const file = outcome.candidate.path;
  const known = lookupPath(db, file);
  const sameHash = imageByHash(db, outcome.hash);

  if (known && known.hash === outcome.hash) {
    // Same content, new mtime (touched, or copied back in place).
    touchImagePath(db, file, outcome.mtimeMs);
    if (!known.present) counts.restored++;
    else counts.unchanged++;
    refreshStatus(db, known.imageId);
    return known.imageId;
  }

  if (known && !sameHash && outcome.probe && !hasOtherPresentPath(db, known.imageId, file)) {
    // The file was edited: the image keeps its id, label and split; only its content changes.
    replaceImageContent(db, known.imageId, outcome.hash, outcome.bytes);
    touchImagePath(db, file, outcome.mtimeMs);
    writeFeatures(db, known.imageId, outcome);
    counts.updated++;
    return known.imageId;
  }

  const probe = outcome.probe;
  const wasMissing = sameHash?.status === 'missing';
  const { id, created } = insertImage(db, {
    hash: outcome.hash,
    path: file,
    byteSize: outcome.bytes,
    width: probe?.width ?? sameHash?.width ?? null,
    height: probe?.height ?? sameHash?.height ?? null,
    format: probe?.format ?? sameHash?.format ?? null,
    mtimeMs: outcome.mtimeMs,
  });
  if (created) writeFeatures(db, id, outcome);
  refreshStatus(db, id);
  if (known && known.imageId !== id) refreshStatus(db, known.imageId);
  if (known) counts.updated++;
  else if (created) counts.added++;
  else if (wasMissing) counts.restored++;
  else counts.duplicates++;
  return id;
}

/** Commits outcomes (in plan order) in one transaction. */
export function commitOutcomes(state: CommitState, outcomes: readonly Outcome[]): void {
  const { db, counts } = state;
  inTransaction(db, () => {
    const pending = new Map<number, PendingLabel>();
    const problems = [];
    for (const outcome of outcomes) {
      const c = outcome.candidate;
      if (outcome.kind === 'problem') {
        problems.push({ path: c.path, reason: outcome.reason, message: outcome.message });
        // A file that was imported before and is unusable now no longer provides its image.
        counts.missing += markPathsMissing(db, [c.path]).length;
        continue;
      }
      let imageId: number;
      if (outcome.kind === 'unchanged') {
        counts.unchanged++;
        // Folder hints were applied when the file was first imported; re-applying them would
        // undo a user's later decision. A CSV says what it wants now.
        if (c.hintSource !== 'csv') continue;
        imageId = outcome.imageId;
      } else {
        imageId = commitContent(state, outcome);
      }
      const label = hintLabel(state, imageId, c, pending);
      if (label !== null) pending.set(imageId, label);
      applySplitHint(state, imageId, c);
    }
    recordProblems(db, state.importId, problems);
    counts.problems += problems.length;
    // One undoable action per class and source, as a person would label them.
    const groups = new Map<string, { label: PendingLabel; imageIds: number[] }>();
    for (const [imageId, label] of pending) {
      const key = `${label.source}:${label.classId}`;
      const group = groups.get(key) ?? { label, imageIds: [] };
      group.imageIds.push(imageId);
      groups.set(key, group);
    }
    for (const { label, imageIds } of groups.values()) {
      const description = label.source === 'capture' ? 'label camera frames' : 'labels from import';
      counts.labeled += applyLabels(db, imageIds, label.classId, { source: label.source, description }).changed;
    }
  });
}
