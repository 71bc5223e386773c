import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../../electron/engine/backend.js';
import { findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { syntheticRetrain } from './synthetic-retrain.js';
const backend = await initBackend('wasm');
const spec = findBackbone('mobilenet-v2-0.35-224')!;
for (const config of [{ headSearch: 'off' as const }, {}, { headSearch: 'off' as const }, {}]) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'heads-ratio-'));
  const r = await syntheticRetrain(work, { spec, dim: 1280, backend, config });
  console.log(JSON.stringify(config), r.seconds, JSON.stringify(r.run.timings), r.run.epochs);
  fs.rmSync(work, { recursive: true, force: true });
}
