// The figures every part of the reliability run reports, the summary table a person reads and
// the one JSON line a machine reads. Parts fill in their own keys; a part that did not run
// leaves its keys out rather than reporting zeros that look like a pass.
export interface PartResult {
  part: string;
  /** Did the part's own checks hold (no loss, no crash, no write, under budget)? */
  ok: boolean;
  /** Figures for the JSON line (snake_case keys, numbers, yes/no checks or null). */
  figures: Record<string, number | boolean | null>;
  /** One line each for the table: "kills 52 · recovered 52 · lost 0". */
  summary: string;
  /** What failed, in words (empty when ok). */
  failures: string[];
  seconds: number;
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const round = (n: number | null, digits = 1): number | null => (n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits);

export function summaryTable(results: readonly PartResult[]): string {
  const rows = results.map((r) => [r.part, r.ok ? 'ok' : 'FAIL', `${r.seconds.toFixed(1)} s`, r.summary]);
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((row) => row[c]!.length), ['part', 'result', 'time'][c]!.length));
  const line = (cells: string[]) => cells.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]!) : cell)).join('  ');
  const out = [line(['part', 'result', 'time', 'figures']), line(widths.map((w) => '-'.repeat(w)).concat('-------'))];
  for (const row of rows) out.push(line(row));
  for (const r of results) for (const f of r.failures.slice(0, 20)) out.push(`  ${r.part}: ${f}`);
  return out.join('\n');
}

export function jsonLine(results: readonly PartResult[], extra: Record<string, number | string | boolean | null> = {}): string {
  const figures: Record<string, number | string | boolean | null> = { ...extra };
  for (const r of results) Object.assign(figures, r.figures);
  figures.ok = results.every((r) => r.ok);
  return JSON.stringify(figures);
}

/** Times a part and turns a thrown error into a failed part instead of ending the run. */
export async function timedPart(part: string, run: () => Promise<Omit<PartResult, 'part' | 'seconds'>>): Promise<PartResult> {
  const started = performance.now();
  try {
    const result = await run();
    return { part, ...result, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { part, ok: false, figures: {}, summary: 'did not finish', failures: [message], seconds: (performance.now() - started) / 1000 };
  }
}
