// Import benchmark: throughput of hash + probe + thumbnail (and commit) on the hymenoptera
// fixture and on 10,000 generated 500 x 375 JPEGs; watching those 10,000 known files; and a
// 100,000-image project: open + first grid page, label-count summary; and folder-to-model end to
// end, today's import then Train against the import that embeds as it decodes (one-pass.ts).
// Progress goes to stderr; the last stdout line is one JSON object.
//   npm run bench:import            (STUDIO_BENCH_IMAGES=2000 for a quicker run)
import fs from 'node:fs';
import path from 'node:path';
import { runImport } from '../../electron/dataset/import-job.js';
import { pageImages } from '../../electron/project/images.js';
import { applyLabels, labelSummary } from '../../electron/project/labels.js';
import { createProject, openProject, projectInfo } from '../../electron/project/project.js';
import { createStudio } from '../../electron/services/studio.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { seedClasses, seedImages } from '../helpers/seed.js';
import { invoke, watchJobs } from '../helpers/studio-jobs.js';
import { cachedSyntheticDataset } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';
import { OnePassBench, type OnePassFigures } from './one-pass.js';

const SYNTHETIC = Number(process.env.STUDIO_BENCH_IMAGES ?? 10_000);
const ROWS = 100_000;
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function importRate(root: string, projectDir: string): Promise<{ perSecond: number; added: number; seconds: number }> {
  const project = createProject(projectDir);
  const started = performance.now();
  const summary = await runImport(project, { kind: 'folder', root });
  const seconds = (performance.now() - started) / 1000;
  project.close();
  const added = summary.counts!.added;
  return { perSecond: added / seconds, added, seconds };
}

async function main(): Promise<void> {
  const tmp = tempDir('studio-bench-');
  try {
    let fixturePerSecond: number | null = null;
    if (fixturesUnavailable()) {
      log('fixtures absent: fixture_img_per_s is null');
    } else {
      const r = await importRate(fixture('datasets', 'hymenoptera'), path.join(tmp.dir, 'fixture-project'));
      fixturePerSecond = r.perSecond;
      log(`hymenoptera: ${r.added} images in ${r.seconds.toFixed(2)} s = ${r.perSecond.toFixed(0)} img/s`);
    }

    let started = performance.now();
    const { root: source, files, reused } = await cachedSyntheticDataset(SYNTHETIC, ['cats', 'dogs', 'owls', 'foxes', 'bees']);
    const bytes = files.reduce((sum, f) => sum + fs.statSync(f).size, 0);
    log(`${reused ? 'reused' : 'generated'} ${files.length} JPEGs in ${source} (500x375, ${(bytes / files.length / 1024).toFixed(0)} KiB each) in ${((performance.now() - started) / 1000).toFixed(1)} s (not timed)`);
    const syntheticProject = path.join(tmp.dir, 'synthetic-project');
    const synthetic = await importRate(source, syntheticProject);
    log(`synthetic: ${synthetic.added} images in ${synthetic.seconds.toFixed(2)} s = ${synthetic.perSecond.toFixed(0)} img/s`);

    // Watching the folder just imported: the reconcile pass must hash none of its files.
    const studio = createStudio();
    const jobs = watchJobs(studio);
    studio.session.open(syntheticProject);
    started = performance.now();
    const { reconcile } = await invoke<{ reconcile: { jobId: string; importId: number } }>(studio, 'watch:add', { path: source });
    const watchReadyMs = performance.now() - started;
    // The reconcile job then embeds the photos this benchmark imported without a backbone
    // (issue 21): the watch figure stops where that phase starts, as before it existed.
    let embeddingFrom: number | null = null;
    const stopPhases = studio.bus.listen((event, payload) => {
      const p = payload as { jobId?: string; phase?: string };
      if (event === 'job:progress' && p.jobId === reconcile.jobId && p.phase === 'embedding') embeddingFrom ??= performance.now();
    });
    await jobs.finished(reconcile.jobId, 3_600_000);
    stopPhases();
    const watchStartMs = (embeddingFrom ?? performance.now()) - started;
    const report = await invoke<{ counts: { unchanged: number; added: number; updated: number } }>(studio, 'import:report', { importId: reconcile.importId, limit: 1 });
    log(`watch start on ${SYNTHETIC} known files: ready ${watchReadyMs.toFixed(0)} ms, reconciled ${watchStartMs.toFixed(0)} ms, unchanged ${report.counts.unchanged}, re-imported ${report.counts.added + report.counts.updated}`);
    jobs.stop();
    studio.close();

    // 100k rows: made through the store's own functions, as imports make them.
    const bigDir = path.join(tmp.dir, 'big-project');
    const big = createProject(bigDir);
    const classIds = seedClasses(big.db, Array.from({ length: 10 }, (_, i) => `class ${i}`));
    const ids = seedImages(big.db, ROWS);
    for (let c = 0; c < classIds.length; c++) {
      // 90 % labeled, spread over ten classes.
      applyLabels(big.db, ids.filter((_, i) => i % 10 === c && i % 100 < 90 + c), classIds[c]!, { source: 'import' });
    }
    big.close();
    log(`seeded ${ROWS} image rows`);

    const opens: number[] = [];
    const pages: number[] = [];
    const summaries: number[] = [];
    for (let run = 0; run < 5; run++) {
      let t = performance.now();
      const project = openProject(bigDir);
      const info = projectInfo(project);
      opens.push(performance.now() - t);
      t = performance.now();
      const page = pageImages(project.db, 0, 200);
      pages.push(performance.now() - t);
      t = performance.now();
      const summary = labelSummary(project.db);
      summaries.push(performance.now() - t);
      if (info.imageCount !== ROWS || page.rows.length !== 200 || summary.total !== ROWS) throw new Error('the 100k project does not read back');
      project.close();
    }
    log(`100k: open ${opens.map((x) => x.toFixed(1)).join('/')} ms, first page ${pages.map((x) => x.toFixed(1)).join('/')} ms, summary ${summaries.map((x) => x.toFixed(1)).join('/')} ms`);

    // Folder to trained model: today's import + Train against the import that embeds (issue 21).
    let fixtureOnePass: OnePassFigures | null = null;
    let syntheticOnePass: OnePassFigures | null = null;
    const onePass = await OnePassBench.open(path.join(tmp.dir, 'one-pass'));
    if (!onePass) log('fixtures absent: no backbone, one-pass figures are null');
    else {
      try {
        await onePass.warmUp(fixture('datasets', 'hymenoptera', 'train'));
        fixtureOnePass = await onePass.compare(fixture('datasets', 'hymenoptera'), 'hymenoptera', log);
        syntheticOnePass = await onePass.compare(source, 'synthetic', log);
      } finally {
        await onePass.close();
      }
    }

    process.stdout.write(
      `${JSON.stringify({
        fixture_img_per_s: fixturePerSecond === null ? null : round(fixturePerSecond),
        synthetic_img_per_s: round(synthetic.perSecond),
        synthetic_images: synthetic.added,
        watch_start_known_ms: Math.round(watchStartMs),
        watch_reimported: report.counts.added + report.counts.updated,
        open_100k_ms: round(median(opens)),
        first_page_ms: round(median(pages)),
        summary_ms: round(median(summaries)),
        separate_s: syntheticOnePass?.separate_s ?? null,
        one_pass_s: syntheticOnePass?.one_pass_s ?? null,
        first_train_after_import_s: syntheticOnePass?.first_train_after_import_s ?? null,
        one_pass_speedup: syntheticOnePass?.one_pass_speedup ?? null,
        one_pass_cpu_ratio: syntheticOnePass?.one_pass_cpu_ratio ?? null,
        one_pass_speedup_ceiling: syntheticOnePass?.one_pass_speedup_ceiling ?? null,
        fixture_separate_s: fixtureOnePass?.separate_s ?? null,
        fixture_one_pass_s: fixtureOnePass?.one_pass_s ?? null,
        fixture_first_train_after_import_s: fixtureOnePass?.first_train_after_import_s ?? null,
        fixture_one_pass_speedup: fixtureOnePass?.one_pass_speedup ?? null,
        one_pass: { synthetic: syntheticOnePass, hymenoptera: fixtureOnePass },
      })}\n`,
    );
  } finally {
    tmp.cleanup();
  }
}

await main();
