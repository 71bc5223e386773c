// import, label, health, splits: the dataset side, on the same modules the app runs.
import path from 'node:path';
import { getImport, importReport } from '../../project/dataset-catalog.js';
import { runHealthCheck } from '../../dataset/health.js';
import { storeHealthReport } from '../../project/health-reports.js';
import { runImport, startImportRecord } from '../../dataset/import-job.js';
import { requireSource, type ImportSource } from '../../dataset/import-plan.js';
import { assignSplits } from '../../dataset/splits.js';
import { StudioError } from '../../domain/result.js';
import type { HealthReport, ImportSummary } from '../../domain/schemas.js';
import { readSettings } from '../../project/settings.js';
import { UsageError, type Command, type CommandContext } from '../command.js';
import { followJob } from '../jobs.js';
import { table, type Output, jobFailureCode } from '../output.js';
import { withProject } from '../project-access.js';
import { withStudio } from '../studio-session.js';

/** The problems listed in full; beyond this, the count and `info`'s report say the rest. */
const PROBLEMS_SHOWN = 10_000;

function importResult(summary: ImportSummary, problems: NonNullable<ReturnType<typeof importReport>>) {
  return { importId: summary.id, status: summary.status, layout: summary.layout, ...summary.counts, problems: problems.problems, problemTotal: problems.problemTotal };
}

function printImport(out: Output, result: ReturnType<typeof importResult>): void {
  out.result(result, () => {
    const c = result;
    const lines = [
      `Import #${c.importId} ${c.status}${c.layout ? ` (read as ${c.layout})` : ''}: ${c.seen ?? 0} files seen, ${c.added ?? 0} added, ${c.duplicates ?? 0} duplicates, ${c.unchanged ?? 0} unchanged, ${c.updated ?? 0} updated, ${c.restored ?? 0} found again, ${c.missing ?? 0} missing, ${c.labeled ?? 0} labeled, ${c.problemTotal} problems`,
    ];
    for (const p of c.problems) lines.push(`  ${p.reason}\t${p.path}\t${p.message}`);
    if (c.problemTotal > c.problems.length) lines.push(`  … and ${c.problemTotal - c.problems.length} more`);
    return lines;
  });
}

function sourceOf(arg: string, csvOnly: boolean): ImportSource {
  const file = path.resolve(arg);
  if (csvOnly || file.toLowerCase().endsWith('.csv')) {
    requireSource(file, 'file');
    return { kind: 'csv', file };
  }
  requireSource(file, 'folder');
  return { kind: 'folder', root: file };
}

async function importOnce(ctx: CommandContext, source: ImportSource): Promise<number> {
  return withProject(ctx.args[0]!, async (project) => {
    const progress = ctx.out.progress();
    const importId = startImportRecord(project, source);
    let summary: ImportSummary;
    try {
      summary = await runImport(project, source, { importId, signal: ctx.signal, progress: (phase, done, total) => progress.update(phase, done, total) });
    } catch (error) {
      progress.end();
      if (!(error instanceof StudioError && error.code === 'cancelled')) throw error;
      const counts = getImport(project.db, importId)?.counts;
      return ctx.out.failure('cancelled', `Import cancelled; what was committed is kept${counts ? ` (${counts.added} new images)` : ''}. Run it again to finish.`);
    }
    progress.end();
    printImport(ctx.out, importResult(summary, importReport(project.db, summary.id, 0, PROBLEMS_SHOWN)!));
    return summary.status === 'done' ? 0 : 1;
  });
}

/** Imports through the studio's watched-folder service, then reports each change until Ctrl+C. */
async function importAndWatch(ctx: CommandContext, root: string): Promise<number> {
  return withStudio(ctx.args[0]!, async (client) => {
    let reconcileId: number | null = null;
    const end = await followJob(
      client,
      async () => {
        const { reconcile } = await client.invoke('watch:add', { path: root });
        if (!reconcile) throw new StudioError('conflict', `${root} is already watched by this project, or could not be watched.`);
        reconcileId = reconcile.importId;
        return reconcile;
      },
      { progress: ctx.out.progress(), signal: ctx.signal },
    );
    if (end.status !== 'done') {
      return ctx.out.failure(jobFailureCode(end.status, end.error), `The first pass over ${root} ${end.status}${end.error ? `: ${end.error}` : ''}.`);
    }
    const report = await client.invoke('import:report', { importId: reconcileId!, limit: PROBLEMS_SHOWN });
    printImport(ctx.out, importResult(report!, report!));
    // From here on, each batch the watcher imports (the first pass was just reported).
    const stopChanges = client.on('watch:changed', (change) => {
      if (change.folder !== root || change.importId === reconcileId) return;
      ctx.out.line(change, `${new Date().toLocaleTimeString()} ${root}: ${change.added} added, ${change.changed} changed, ${change.removed} removed, ${change.moved} moved, ${change.problems} problems`);
    });
    ctx.out.note(`Watching ${root} for new and changed images. Press Ctrl+C to stop.`);
    await new Promise<void>((resolve) => (ctx.signal.aborted ? resolve() : ctx.signal.addEventListener('abort', () => resolve(), { once: true })));
    stopChanges();
    return 0;
  });
}

export const importCommand: Command = {
  name: 'import',
  usage: 'PROJECT SOURCE [--watch]',
  summary: 'import a folder (split/class/img, class/img or flat) or a path,label[,split] CSV',
  details: [
    'Every file that cannot be used is listed with its reason; nothing already imported is lost,',
    'and a cancelled import (Ctrl+C) keeps what it committed: run it again to finish.',
  ].join('\n'),
  options: { watch: { type: 'boolean' } },
  optionHelp: { watch: 'keep watching the folder and import new or changed images until Ctrl+C (it joins the project\'s watched folders)' },
  positionals: { min: 2, max: 2, names: 'a project folder and a source folder or CSV file' },
  async run(ctx) {
    const source = sourceOf(ctx.args[1]!, false);
    if (!ctx.options.watch) return importOnce(ctx, source);
    if (source.kind !== 'folder') throw new UsageError('--watch needs a folder, not a CSV file.');
    return importAndWatch(ctx, source.root);
  },
};

export const labelCommand: Command = {
  name: 'label',
  usage: 'PROJECT CSV',
  summary: 'label images from a path,label[,split] CSV (files not yet in the project are imported)',
  details: 'Paths are absolute or relative to the CSV file. A label set by hand in the app is never overridden.',
  positionals: { min: 2, max: 2, names: 'a project folder and a CSV file' },
  run: (ctx) => importOnce(ctx, sourceOf(ctx.args[1]!, true)),
};

const SEVERITY_RANK = { info: 0, warning: 1, error: 2 } as const;

export const healthCommand: Command = {
  name: 'health',
  usage: 'PROJECT [--fail-on warning|error]',
  summary: 'check the dataset: balance, duplicates and leakage across splits, tiny, grayscale, missing, unlabeled images',
  options: { 'fail-on': { type: 'string' } },
  optionHelp: { 'fail-on': 'exit with 1 when a finding is at least this severe (for scripts and CI)' },
  positionals: { min: 1, max: 1, names: 'a project folder' },
  async run({ args, options, out }) {
    const failOn = options['fail-on'];
    if (failOn !== undefined && failOn !== 'warning' && failOn !== 'error') throw new UsageError(`--fail-on takes warning or error, got ${JSON.stringify(failOn)}.`);
    const report: HealthReport = await withProject(args[0]!, (project) => {
      // One synchronous pass: a phase line, no counts.
      const progress = out.progress();
      progress.update('checking the dataset', 0, 0);
      const result = runHealthCheck(project.db, { inputSize: readSettings(project.db).preprocessing.inputSize });
      storeHealthReport(project.db, result);
      progress.end();
      return result;
    });
    out.result(report, () => [
      ...table([['split', 'images', 'unlabeled', 'imbalance'], ...report.splits.map((s) => [s.split, s.total, s.unlabeled, s.imbalance === null ? '—' : `${s.imbalance.toFixed(1)}x`])]),
      '',
      ...(report.findings.length
        ? [...report.findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]).map((f) => `[${f.severity}] ${f.message}`)
        : ['No findings.']),
    ]);
    const threshold = failOn === undefined ? null : SEVERITY_RANK[failOn];
    return threshold !== null && report.findings.some((f) => SEVERITY_RANK[f.severity] >= threshold) ? 1 : 0;
  },
};

export const splitsCommand: Command = {
  name: 'splits',
  usage: 'PROJECT [--reshuffle]',
  summary: "give unassigned images a train/val/test split (stratified, seeded, from the project's plan)",
  options: { reshuffle: { type: 'boolean' } },
  optionHelp: { reshuffle: 'also redraw automatic train/val assignments (the test split never moves)' },
  positionals: { min: 1, max: 1, names: 'a project folder' },
  async run({ args, options, out }) {
    const result = await withProject(args[0]!, (project) => assignSplits(project.db, readSettings(project.db).split, { reshuffle: options.reshuffle === true }));
    out.result(result, () => [`${result.assigned} images assigned.`, ...table(result.perSplit.map((s) => [s.split, s.count]))]);
    return 0;
  },
};
