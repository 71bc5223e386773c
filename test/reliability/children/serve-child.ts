// Child process: the studio in serve mode (HTTP + WebSocket on 127.0.0.1, the engine in its
// worker), with a project open, as `npm run serve` runs it. The reliability parts talk to it
// over the wire; if anything they send crashes it, its exit is the evidence.
// Usage: serve-child.ts PROJECT_DIR TOKEN MODEL_CACHE|- RENDERER_DIR
import { EngineHost } from '../../../electron/worker/engine-host.js';
import { modelCacheDir } from '../../../electron/engine/backbones/model-cache.js';
import { startServer } from '../../../electron/server/serve.js';
import { createStudio } from '../../../electron/services/studio.js';

const [projectDir, token, cache, rendererDir] = process.argv.slice(2);
if (!projectDir || !token || !cache || !rendererDir) throw new Error('usage: serve-child.ts PROJECT_DIR TOKEN MODEL_CACHE|- RENDERER_DIR');
const studio = createStudio({ engine: new EngineHost({ modelCache: cache === '-' ? modelCacheDir() : cache }) });
studio.session.open(projectDir);
const server = await startServer({ studio, token, rendererDir });
process.stdout.write(`listening ${server.port}\n`);
const stop = () => void server.close().then(() => studio.close()).then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
