// What an import will look at: the candidate files with the label and split their place (or
// CSV row) suggests, the problems already visible while listing, and the folders whose
// vanished files are to be marked missing.
import { statSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../domain/result.js';
import type { ImportKind, Split } from '../domain/schemas.js';
import { csvEntries } from './csv.js';
import { describeLayout, hintsFor, type PathHints } from './layout.js';
import { fsProblem, type ReportedProblem } from './problems.js';
import { scanFolder } from './scan.js';

export type ImportSource =
  | { kind: 'folder'; root: string }
  /** With `capture`, the files are camera frames the studio wrote, all labelled with that class. */
  | { kind: 'files'; paths: string[]; capture?: { classId: number } }
  | { kind: 'csv'; file: string }
  /** A watched folder: the whole folder (on start) or one debounced batch of its events. */
  | { kind: 'watch'; root: string; batch?: { changed: string[]; removed: string[] } };

export interface Candidate {
  path: string;
  className: string | null;
  split: Exclude<Split, 'unassigned'> | null;
  /** Where the hints come from; CSV hints are explicit and also apply to unchanged files. */
  hintSource: 'folder' | 'csv' | 'capture' | null;
  /** A class chosen by id (captured frames): renaming the class meanwhile does not matter. */
  classId?: number;
}

export interface ImportPlan {
  kind: ImportKind;
  source: string;
  layout: string;
  candidates: Candidate[];
  problems: ReportedProblem[];
  ignored: number;
  /** Folders fully listed: their known paths that were not seen are gone. */
  scopes: string[];
  /** Paths reported gone by a watcher. */
  removed: string[];
}

export function describeSource(source: ImportSource): string {
  switch (source.kind) {
    case 'folder':
    case 'watch':
      return source.root;
    case 'csv':
      return source.file;
    case 'files':
      if (source.capture && source.paths.length) return `${source.paths.length} camera frames in ${path.dirname(source.paths[0]!)}`;
      return source.paths.length === 1 ? source.paths[0]! : `${source.paths.length} paths`;
  }
}

function folderCandidates(root: string, files: readonly string[]): { candidates: Candidate[]; hints: PathHints[] } {
  const hints = files.map((f) => hintsFor(path.relative(root, f)));
  const candidates = files.map((f, i) => ({ path: f, ...hints[i]!, hintSource: 'folder' as const }));
  return { candidates, hints };
}

/** A typed error now, rather than a failed job later, when the source is not there or not that kind. */
export function requireSource(p: string, kind: 'folder' | 'file'): void {
  let stats: import('node:fs').Stats;
  try {
    stats = statSync(p);
  } catch (error) {
    const problem = fsProblem(error);
    throw new StudioError('not_found', `Cannot import ${p}: ${problem.reason === 'not_found' ? `there is no such ${kind}` : problem.message}.`);
  }
  if (kind === 'folder' && !stats.isDirectory()) throw new StudioError('invalid_payload', `${p} is a file, not a folder.`);
  if (kind === 'file' && !stats.isFile()) throw new StudioError('invalid_payload', `${p} is not a file.`);
}

/**
 * A CSV import reads a file's rows and reports the bad ones, so the renderer must not be able
 * to point it at any file (a key, a password file): only files named .csv are read.
 */
export function requireCsvFile(p: string): void {
  if (path.extname(p).toLowerCase() !== '.csv') throw new StudioError('invalid_payload', `${p} is not a .csv file. Choose a CSV file of path,label rows.`);
  requireSource(p, 'file');
}

export async function planImport(source: ImportSource, options: { exclude: readonly string[]; signal?: AbortSignal }): Promise<ImportPlan> {
  const base = { kind: source.kind, source: describeSource(source), problems: [] as ReportedProblem[], ignored: 0, scopes: [] as string[], removed: [] as string[] };
  switch (source.kind) {
    case 'folder':
    case 'watch': {
      if (source.kind === 'watch' && source.batch) {
        const { candidates, hints } = folderCandidates(source.root, source.batch.changed);
        return { ...base, layout: describeLayout(hints), candidates, removed: source.batch.removed };
      }
      requireSource(source.root, 'folder');
      const scan = await scanFolder(source.root, options);
      const { candidates, hints } = folderCandidates(source.root, scan.files);
      return { ...base, layout: describeLayout(hints), candidates, problems: scan.problems, ignored: scan.ignored, scopes: [source.root] };
    }
    case 'files': {
      const plan: ImportPlan = { ...base, layout: 'files', candidates: [] };
      const layouts = new Set<string>();
      for (const p of [...new Set(source.paths)].sort()) {
        const stats = await fs.lstat(p).catch((error: unknown) => error as NodeJS.ErrnoException);
        if (stats instanceof Error) {
          const problem = fsProblem(stats);
          plan.problems.push({ path: p, reason: problem.reason, message: problem.message });
        } else if (stats.isDirectory()) {
          // A dropped folder is read like a folder import, layout included.
          const scan = await scanFolder(p, options);
          const { candidates, hints } = folderCandidates(p, scan.files);
          plan.candidates.push(...candidates);
          plan.problems.push(...scan.problems);
          plan.ignored += scan.ignored;
          plan.scopes.push(p);
          layouts.add(describeLayout(hints));
        } else if (source.capture) {
          plan.candidates.push({ path: p, className: null, split: null, hintSource: 'capture', classId: source.capture.classId });
        } else {
          plan.candidates.push({ path: p, className: null, split: null, hintSource: null });
        }
      }
      if (layouts.size === 1 && plan.candidates.every((c) => c.hintSource === 'folder')) plan.layout = [...layouts][0]!;
      if (source.capture) plan.layout = 'camera';
      return plan;
    }
    case 'csv': {
      let text: string;
      try {
        text = await fs.readFile(source.file, 'utf8');
      } catch (error) {
        throw new StudioError(fsProblem(error).reason === 'not_found' ? 'not_found' : 'io_error', `Cannot read the CSV ${source.file}: ${fsProblem(error).message}.`);
      }
      const { entries, problems } = csvEntries(source.file, text);
      return {
        ...base,
        layout: 'csv',
        problems,
        candidates: entries.map((e) => ({ path: e.path, className: e.className, split: e.split, hintSource: 'csv' as const })),
      };
    }
  }
}
