// The whole studio in-process for commands that need the engine or jobs: the same handler
// table the UI uses, the engine in its worker thread; closed cleanly whatever happens.
import path from 'node:path';
import type { StudioClient } from '../ipc/client.js';
import { inProcessClient } from '../services/in-process-client.js';
import { createStudio, type Studio } from '../services/studio.js';
import { openProjectForCli } from './project-access.js';

export async function withStudio<T>(projectDir: string | null, work: (client: StudioClient, studio: Studio) => Promise<T>): Promise<T> {
  const studio = createStudio();
  try {
    if (projectDir) {
      // The CLI's own message (with how to create one) for a folder that is not a project.
      openProjectForCli(projectDir).close();
      studio.session.open(path.resolve(projectDir));
    }
    return await work(inProcessClient(studio), studio);
  } finally {
    await studio.close();
  }
}
