// Opening a project from the command line, with the next step spelled out when it fails.
import { StudioError } from '../domain/result.js';
import { openProject, type Project } from '../project/project.js';

export function openProjectForCli(dir: string): Project {
  try {
    return openProject(dir);
  } catch (error) {
    if (error instanceof StudioError && error.code === 'not_found') {
      throw new StudioError('not_found', `${error.message} Create one with: transfer-studio init ${JSON.stringify(dir)}`);
    }
    throw error;
  }
}

export async function withProject<T>(dir: string, work: (project: Project) => Promise<T> | T): Promise<T> {
  const project = openProjectForCli(dir);
  try {
    return await work(project);
  } finally {
    project.close();
  }
}
