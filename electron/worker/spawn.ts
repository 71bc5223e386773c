// Starting the worker from sources (tsx, vitest) or from the built app (plain .js).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerOptions } from './protocol.js';

/** tsx's ESM loader API (require.resolve would give its CommonJS build, which fails in a worker). */
function tsxEsmApi(from: string): string {
  const manifest = createRequire(from).resolve('tsx/package.json');
  const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return path.join(path.dirname(manifest), pkg.exports['./esm/api']!.import.default);
}

/**
 * A worker thread running `name` (an entry beside this file: `name.ts` from sources, `name.js`
 * in the built app, where the bundler emits every entry into one flat folder).
 */
export function spawnWorkerEntry(name: string, workerData: unknown): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, here), { workerData });
  // A worker does not inherit the parent's TypeScript loader: register tsx inside it first.
  const entry = new URL(`./${name}.ts`, here).href;
  const tsx = pathToFileURL(tsxEsmApi(here)).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

export function spawnEngineWorker(options: WorkerOptions): Worker {
  return spawnWorkerEntry('engine-worker', options);
}
