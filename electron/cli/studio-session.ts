// The whole studio in-process for commands that need the engine or jobs: the same handler
// table the UI uses, the engine in its worker thread; closed cleanly whatever happens.
// The studio (engine, exports, tfjs, onnxruntime, sharp…) is imported only here and only when
// a command runs, so that `help`, `--version` and a usage error answer at once.
import path from 'node:path';
import type { StudioClient } from '../ipc/client.js';
import type { Studio } from '../services/studio.js';
import { openProjectForCli } from './project-access.js';

export async function withStudio<T>(projectDir: string | null, work: (client: StudioClient, studio: Studio) => Promise<T>): Promise<T> {
  // Before the studio loads: a folder that is not a project fails at once, with the CLI's own
  // message (how to create one).
  if (projectDir) openProjectForCli(projectDir).close();
  const [{ createStudio }, { inProcessClient }] = await Promise.all([import('../services/studio.js'), import('../services/in-process-client.js')]);
  const studio = createStudio();
  try {
    if (projectDir) studio.session.open(path.resolve(projectDir));
    return await work(inProcessClient(studio), studio);
  } finally {
    await studio.close();
  }
}
