// A private model cache holding the fixture backbone under the default backbone's id, as
// test/integration/engine-service.test.ts does: training runs for real, offline.
import path from 'node:path';
import { DEFAULT_BACKBONE_ID, findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { importBackboneFolder } from '../../electron/engine/backbones/install.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';

/** The cache folder, or null where the fixtures are absent (training parts then skip). */
export async function fixtureModelCache(dir: string): Promise<string | null> {
  if (fixturesUnavailable()) return null;
  const cache = path.join(dir, 'model-cache');
  await importBackboneFolder(fixture('models', 'tm-mobilenet_v2_0.35_224-backbone'), { cache, spec: findBackbone(DEFAULT_BACKBONE_ID)! });
  return cache;
}
