// Opening a project from the command line, with the next step spelled out when it fails.
import { StudioError } from '../domain/result.js';
import { openProject, projectWritable, type Project } from '../project/project.js';

export interface CliOpenOptions {
  /** The command only reads: a project it may not write is opened read-only instead of failing. */
  readOnlyOk?: boolean;
}

export function openProjectForCli(dir: string, options: CliOpenOptions = {}): Project {
  try {
    return openProject(dir, { readonly: options.readOnlyOk === true && !projectWritable(dir) });
  } catch (error) {
    if (error instanceof StudioError && error.code === 'not_found') {
      throw new StudioError('not_found', `${error.message} Create one with: transfer-studio init ${JSON.stringify(dir)}`);
    }
    throw error;
  }
}

export async function withProject<T>(dir: string, work: (project: Project) => Promise<T> | T, options: CliOpenOptions = {}): Promise<T> {
  const project = openProjectForCli(dir, options);
  try {
    return await work(project);
  } finally {
    project.close();
  }
}
