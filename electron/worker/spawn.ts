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

export function spawnEngineWorker(options: WorkerOptions): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./engine-worker.js', here), { workerData: options });
  // A worker does not inherit the parent's TypeScript loader: register tsx inside it first.
  const entry = new URL('./engine-worker.ts', here).href;
  const tsx = pathToFileURL(tsxEsmApi(here)).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: options });
}
