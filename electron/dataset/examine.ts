// The per-file half of an import, run several files at a time: reach the file, skip it when
// its size and mtime say it was imported already, sniff, hash, probe and thumbnail. It never
// writes to the database (commits happen in order, in batches) and never throws for a bad
// file: every such file comes back as a problem with its reason.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Preprocessing } from '../domain/schemas.js';
import type { Db } from '../project/database.js';
import { imageByHash, lookupPath, storedMtime } from '../project/dataset-catalog.js';
import { thumbnailAndModelInputs, type ModelInput, type ViewRequest } from './decode-once.js';
import { hashFile } from './hash.js';
import type { Candidate } from './import-plan.js';
import type { PixelStats } from './pixel-stats.js';
import { FileProblem, fsProblem, hasEndMarker } from './problems.js';
import { probeImage, type Probe } from './probe.js';
import { followLink, notAFile } from './scan.js';
import { describeNonImage, sniff } from './sniff.js';
import { hasThumbnail, makeThumbnail, thumbPath } from './thumbnails.js';

export type Outcome =
  | { kind: 'unchanged'; candidate: Candidate; imageId: number }
  | {
      kind: 'content';
      candidate: Candidate;
      hash: string;
      bytes: number;
      mtimeMs: number;
      /** Null when the content was already known (with its thumbnail): nothing to decode. */
      probe: Probe | null;
      stats: PixelStats | null;
      /** The backbone's inputs (training's views) from the same decode, when the import embeds ahead (issue 21). */
      modelInputs?: ModelInput[];
    }
  | { kind: 'problem'; candidate: Candidate; reason: FileProblem['reason']; message: string };

/** Files up to this size are decoded from the buffer they were hashed from (most photos). */
const KEEP_IN_MEMORY = 16 * 1024 * 1024;

export interface ExamineContext {
  db: Db;
  projectDir: string;
  pixelLimit: number;
  /** Set when the import embeds ahead of training: the spec, and which content still needs a vector. */
  model?: { preprocessing: Preprocessing; wants(hash: string): ViewRequest[] };
}

async function reach(file: string): Promise<import('node:fs').Stats> {
  const link = await fs.lstat(file);
  if (!link.isSymbolicLink()) return link;
  const target = await followLink(file);
  if ('problem' in target) throw new FileProblem(target.problem.reason, target.problem.message);
  if (target.stats.isDirectory()) {
    // A watched folder hands over a link to a folder above it as a file: say it is a loop.
    const [real, parent] = await Promise.all([fs.realpath(file), fs.realpath(path.dirname(file))]);
    if (parent === real || parent.startsWith(real + path.sep)) {
      throw new FileProblem('symlink_loop', `symbolic link loop: this folder leads back to ${real}, which contains it`);
    }
  }
  return target.stats;
}

async function examineFile(candidate: Candidate, ctx: ExamineContext): Promise<Outcome> {
  const file = candidate.path;
  const stats = await reach(file);
  if (stats.isDirectory()) throw new FileProblem('unreadable', 'this is a folder, not a file');
  if (!stats.isFile()) throw new FileProblem('unreadable', notAFile(stats));
  if (stats.size === 0) throw new FileProblem('zero_bytes', 'the file is empty (0 bytes)');

  const mtimeMs = storedMtime(stats.mtimeMs);
  const known = lookupPath(ctx.db, file);
  // thumbs/ is a cache: a deleted thumbnail is made again, the rest of an unchanged file is skipped.
  if (known && known.present && known.mtimeMs === mtimeMs && known.byteSize === stats.size && hasThumbnail(ctx.projectDir, known.hash)) {
    return { kind: 'unchanged', candidate, imageId: known.imageId };
  }

  let format = 'image';
  const identity = await hashFile(file, {
    keepUpTo: KEEP_IN_MEMORY,
    inspectHead: (head) => {
      const sniffed = sniff(head);
      if (sniffed.kind !== 'image') {
        const { reason, message } = describeNonImage(file, sniffed);
        throw new FileProblem(reason, message);
      }
      format = sniffed.format;
    },
  });
  if (identity.bytes === 0) throw new FileProblem('zero_bytes', 'the file is empty (0 bytes)');
  const hash = identity.sha256;
  const base = { kind: 'content' as const, candidate, hash, bytes: identity.bytes, mtimeMs };

  // Known content (a copy, a moved file, a re-run after a kill): its pixels were read already.
  if (imageByHash(ctx.db, hash) && hasThumbnail(ctx.projectDir, hash)) return { ...base, probe: null, stats: null };

  const complete = hasEndMarker(format, identity.tail);
  // The bytes already read for the hash, when the file was small enough to keep: no second read.
  const input = identity.content ?? file;
  const probe = await probeImage(input, { pixelLimit: ctx.pixelLimit, sniffed: format, complete });
  const dest = thumbPath(ctx.projectDir, hash);
  const views = ctx.model?.wants(hash) ?? [];
  if (ctx.model && views.length > 0) {
    const once = await thumbnailAndModelInputs(input, dest, probe.format, ctx.model.preprocessing, views, {
      pixelLimit: ctx.pixelLimit,
      complete,
      transparent: probe.channels === 2 || probe.channels === 4,
    });
    return { ...base, probe, stats: once.stats, ...(once.inputs.length ? { modelInputs: once.inputs } : {}) };
  }
  const pixelStats = await makeThumbnail(input, dest, probe.format, { pixelLimit: ctx.pixelLimit, complete });
  return { ...base, probe, stats: pixelStats };
}

/** Examines one candidate; errors on the project side (disk full in thumbs/) still throw. */
export async function examine(candidate: Candidate, ctx: ExamineContext): Promise<Outcome> {
  try {
    return await examineFile(candidate, ctx);
  } catch (error) {
    const problem = error instanceof FileProblem ? error : (error as NodeJS.ErrnoException)?.code && !isProjectSide(error, ctx) ? fsProblem(error) : null;
    if (!problem) throw error;
    return { kind: 'problem', candidate, reason: problem.reason, message: problem.message };
  }
}

function isProjectSide(error: unknown, ctx: ExamineContext): boolean {
  const p = (error as NodeJS.ErrnoException).path;
  return typeof p === 'string' && p.startsWith(ctx.projectDir);
}
