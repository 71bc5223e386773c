import { initBackend } from './electron/engine/backend.js';
import { loadBackbone } from './electron/engine/backbones/load.js';
import { loadCatalogue } from './electron/engine/backbones/catalogue.js';
import { decodeForModel, scalePixels } from './electron/engine/images/decode.js';
await initBackend();
const F = '/work/shared/fixtures/models/';
const src = '/work/shared/fixtures/datasets/hymenoptera/train/ants/0013035.jpg';
for (const spec of loadCatalogue().filter(b => b.fixture)) {
  const bb = await loadBackbone(F + spec.fixture, spec);
  const d = await decodeForModel(src, { inputSize: 224, resizeMode: 'center-crop', scaling: spec.input.scaling });
  const batch = new Float32Array(224 * 224 * 3);
  scalePixels(d.pixels, spec.input.scaling, batch, 0);
  const t = Date.now();
  const e = await bb.embed(batch, 1);
  console.log(spec.id, bb.dim, e.length, Array.from(e.slice(0, 4)).map(v => v.toFixed(3)), Date.now() - t, 'ms');
}
