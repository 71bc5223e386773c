// The hardening part: the findings of the outside attack run (issue 20), each checked again
// against real files and processes, with one figure each for the JSON line.
import type { PartResult } from '../figures.js';
import { writeSyntheticJpeg } from '../../helpers/synthetic-images.js';
import { csvFormulaCells, emptyDbRefused, foreignOpenInterrupts, mediaOutsideLeaks, protoNamesOk, symlinkAncestorOk, unreadAnswersPeakMb, walLossDetected } from './checks.js';

export interface HardeningOptions {
  dir: string;
  /** Page requests sent by the client that never reads, and how long it holds. */
  unreadRequests: number;
  unreadHoldMs: number;
  log: (message: string) => void;
}

/** Peak memory growth the server may show while a client does not read (it held ~2 GB before). */
const UNREAD_BUDGET_MB = 200;

export async function runHardeningPart(options: HardeningOptions): Promise<Omit<PartResult, 'part' | 'seconds'>> {
  const { dir, log } = options;
  const failures: string[] = [];
  const symlink = await symlinkAncestorOk(dir);
  log(`hardening: root link import ${symlink.detail}`);
  if (!symlink.ok) failures.push(`a folder with a link to / did not import cleanly: ${symlink.detail}`);
  const leaks = await mediaOutsideLeaks(dir);
  if (leaks) failures.push(`${leaks} media answers carried a file that is not the project's image`);
  const csv = await csvFormulaCells(dir, (file, seed) => writeSyntheticJpeg(file, seed));
  if (csv.cells) failures.push(`${csv.cells} formula cells in dataset.csv`);
  if (!csv.roundTrip) failures.push('formula-like class names did not survive a CSV export and import');
  const proto = await protoNamesOk(dir);
  if (!proto) failures.push('folders named constructor/__proto__/… did not import as classes');
  const empty = await emptyDbRefused(dir);
  if (!empty) failures.push('a 0-byte project.sqlite beside thumbs/ was not refused');
  const wal = walLossDetected(dir);
  if (!wal) failures.push('deleting the WAL under an open project went unnoticed');
  const interrupts = await foreignOpenInterrupts(dir);
  if (interrupts) failures.push(`${interrupts} live jobs of another process were marked interrupted`);
  const unread = await unreadAnswersPeakMb(dir, options.unreadRequests, options.unreadHoldMs);
  if (unread.growthMb >= UNREAD_BUDGET_MB) failures.push(`the server grew ${unread.growthMb} MB while a client did not read`);
  if (!unread.othersAnswered) failures.push('the server did not answer another client while one did not read');
  return {
    ok: failures.length === 0,
    figures: {
      symlink_ancestor_ok: symlink.ok,
      media_outside_leaks: leaks,
      csv_formula_cells: csv.cells,
      proto_names_ok: proto,
      empty_db_refused: empty,
      wal_loss_detected: wal,
      foreign_open_interrupts: interrupts,
      unread_answers_peak_mb: unread.growthMb,
    },
    summary: `root link ${symlink.ok ? 'ok' : 'FAIL'} · media leaks ${leaks} · formula cells ${csv.cells} · proto names ${proto ? 'ok' : 'FAIL'} · empty db ${empty ? 'refused' : 'OPENED'} · WAL loss ${wal ? 'detected' : 'MISSED'} · foreign interrupts ${interrupts} · unread +${unread.growthMb} MB`,
    failures,
  };
}
