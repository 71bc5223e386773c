// `npm run test:reliability`: every reliability part at full size (≥ 50 seeded kills, 12,000
// fuzz payloads, 100,000 rows under load), a summary table, then one JSON line.
//   RELIABILITY_FAST=1 (or --fast)   the quick sizes `npm test` uses
//   --only=crash,fuzz                 some parts only (names as in the table, "bad files" as bad-files)
//   RELIABILITY_SEED=N                another seed for the kills, payloads and load schedule
// Exits 1 when any part's checks failed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FULL, QUICK } from './config.js';
import { jsonLine, summaryTable, timedPart, type PartResult } from './figures.js';
import { fixtureModelCache } from './model-cache.js';
import { reliabilityParts } from './suite.js';

const fast = process.env.RELIABILITY_FAST === '1' || process.argv.includes('--fast');
const base = fast ? QUICK : FULL;
const config = process.env.RELIABILITY_SEED ? { ...base, seed: Number(process.env.RELIABILITY_SEED) } : base;
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : null;
const slug = (name: string) => name.replaceAll(' ', '-');

const log = (message: string) => process.stderr.write(`[reliability] ${message}\n`);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-reliability-'));
const started = performance.now();
log(`${fast ? 'fast' : 'full'} run, seed ${config.seed}, work folder ${root}`);

const results: PartResult[] = [];
try {
  const modelCache = await fixtureModelCache(root);
  if (!modelCache) log('fixtures absent: training (crash/train, load under training) and photo checks are skipped');
  for (const part of reliabilityParts(config)) {
    if (only && !only.has(slug(part.name))) continue;
    const dir = path.join(root, slug(part.name));
    fs.mkdirSync(dir, { recursive: true });
    log(`${part.name}: starting`);
    const result = await timedPart(part.name, () => part.run({ dir, modelCache, log }));
    log(`${part.name}: ${result.ok ? 'ok' : 'FAILED'} in ${result.seconds.toFixed(1)} s — ${result.summary}`);
    results.push(result);
  }
} finally {
  if (!process.env.RELIABILITY_KEEP) fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
}

const seconds = (performance.now() - started) / 1000;
process.stdout.write(`\nReliability (${fast ? 'fast' : 'full'}, seed ${config.seed}, ${seconds.toFixed(0)} s)\n${summaryTable(results)}\n\n`);
process.stdout.write(`${jsonLine(results, { mode: fast ? 'fast' : 'full', seed: config.seed, seconds: Math.round(seconds) })}\n`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
