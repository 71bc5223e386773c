// What the CLI prints. Results go to stdout: readable text, or with --json one JSON document on
// the last line. Progress goes to stderr: a bar with ETA redrawn in place on a terminal, plain
// lines (each phase, every tenth) when stderr is a pipe or a file.
import type { ErrorCode } from '../domain/result.js';
import { storageErrorCode } from '../ipc/storage-errors.js';
import { EtaEstimator } from '../jobs/eta.js';

export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

export class Progress {
  private phase: string | null = null;
  private eta: EtaEstimator;
  private lastDraw = 0;
  private lastTenth = -1;
  private drawn = false;

  constructor(
    private readonly sink: TextSink,
    private readonly now: () => number = Date.now,
  ) {
    this.eta = new EtaEstimator(now);
  }

  update(phase: string, done: number, total: number): void {
    const phaseChanged = phase !== this.phase;
    if (phaseChanged) {
      this.phase = phase;
      this.eta = new EtaEstimator(this.now);
      this.lastTenth = -1;
    }
    const etaMs = this.eta.estimate(done, total);
    const fraction = total > 0 ? Math.min(1, done / total) : null;
    const counts = total > 0 ? ` ${done}/${total}` : done > 0 ? ` ${done}` : '';
    const left = etaMs !== null && etaMs > 0 ? ` ~${formatDuration(etaMs)} left` : '';
    if (this.sink.isTTY) {
      const time = this.now();
      if (!phaseChanged && time - this.lastDraw < REDRAW_MS && done < total) return;
      this.lastDraw = time;
      const bar = fraction === null ? '' : ` [${'#'.repeat(Math.round(fraction * BAR_WIDTH)).padEnd(BAR_WIDTH, '-')}] ${Math.floor(fraction * 100)}%`;
      const line = `${phase}${bar}${counts}${left}`;
      const width = Math.max(20, (this.sink.columns ?? 80) - 1);
      this.sink.write(`\r${line.slice(0, width).padEnd(width)}`);
      this.drawn = true;
      return;
    }
    const tenth = fraction === null ? 0 : Math.floor(fraction * 10);
    if (!phaseChanged && tenth === this.lastTenth) return;
    this.lastTenth = tenth;
    this.sink.write(`${phase}${counts}${fraction === null ? '' : ` (${Math.floor(fraction * 100)}%)`}${left}\n`);
  }

  /** Ends the bar's line so that what follows starts on a fresh one. */
  end(): void {
    if (this.drawn) this.sink.write('\n');
    this.drawn = false;
  }
}

/** Codes of CLI failures: the contract's, plus usage (bad arguments) and failed (a job ended in failure). */
export type CliErrorCode = ErrorCode | 'usage' | 'failed';

/** The one line --json prints for a failure. */
export function errorLine(code: CliErrorCode, message: string): string {
  return `${JSON.stringify({ error: { code, message } })}\n`;
}

/** The code for a job that ended without success, from its status and error message. */
export function jobFailureCode(status: string, error?: string): CliErrorCode {
  if (status === 'cancelled') return 'cancelled';
  return (error && storageErrorCode(new Error(error))) || 'failed';
}

export class Output {
  /** Something went to stdout (a failure then needs no error line of its own). */
  wrote = false;
  /** The last remark, the message of a failure that printed nothing else. */
  lastNote: string | null = null;

  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
  ) {}

  /** A failure: the message on stderr and, with --json, the error line on stdout; returns exit code 1. */
  failure(code: CliErrorCode, message: string): 1 {
    this.note(message);
    if (this.json) {
      this.wrote = true;
      this.io.stdout.write(errorLine(code, message));
    }
    return 1;
  }

  /** The command's result: the text for people, or the data as one JSON line. */
  result(data: unknown, text: () => string | readonly string[]): void {
    this.wrote = true;
    if (this.json) {
      this.io.stdout.write(`${JSON.stringify(data)}\n`);
      return;
    }
    const lines = text();
    for (const line of typeof lines === 'string' ? [lines] : lines) this.io.stdout.write(`${line}\n`);
  }

  /** A line of its own on stdout (streaming results such as watched-folder changes). */
  line(data: unknown, text: string): void {
    this.wrote = true;
    this.io.stdout.write(this.json ? `${JSON.stringify(data)}\n` : `${text}\n`);
  }

  /** Remarks for people: stderr, so they never mix with results. */
  note(text: string): void {
    this.lastNote = text;
    this.io.stderr.write(`${text}\n`);
  }

  progress(): Progress {
    return new Progress(this.io.stderr);
  }
}

/** A plain-text table with aligned columns. */
export function table(rows: readonly (readonly (string | number)[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, String(cell).length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (typeof cell === 'number' ? String(cell).padStart(widths[i]!) : String(cell).padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}
