import path from 'node:path';
import { runImport, startImportRecord } from '../../dataset/import-job.js';
import { assignSplits } from '../../dataset/splits.js';
import type { sampleChannels } from '../../ipc/channels/sample.js';
import type { HandlerGroup } from '../../ipc/dispatch.js';
import { StudioError } from '../../domain/result.js';
import { projectInfo } from '../../project/project.js';
import { copySample, SAMPLE_NAME } from '../../project/sample-project.js';
import { readSettings } from '../../project/settings.js';
import type { ServiceDeps } from '../deps.js';

/** Where samples go: a Samples folder beside the recent-projects list, in the user data folder. */
export function samplesRoot(deps: Pick<ServiceDeps, 'recent'>): string {
  return path.join(path.dirname(deps.recent.file), 'Samples');
}

export function sampleHandlers(deps: ServiceDeps): HandlerGroup<keyof typeof sampleChannels> {
  const { session, bus, jobs } = deps;
  return {
    'sample:create': async () => {
      if (jobs.list().some((j) => j.kind === 'import' || j.kind === 'train')) {
        throw new StudioError('conflict', 'An import or a training is running in the open project. Wait for it, then try the sample.');
      }
      const sample = copySample(samplesRoot(deps));
      // Announced once it is labeled and split, so no screen shows it half imported.
      const project = session.create(sample.project, SAMPLE_NAME);
      const source = { kind: 'folder' as const, root: sample.photos };
      const summary = await runImport(project, source, { importId: startImportRecord(project, source) });
      // Labeled by their class folders; a seeded, stratified split so Evaluate has held-out images.
      assignSplits(project.db, readSettings(project.db).split);
      const info = projectInfo(project);
      bus.emit('project:changed', { project: info });
      return { project: info, folder: sample.dir, photos: sample.photos, images: summary.counts?.added ?? 0, labeled: summary.counts?.labeled ?? 0 };
    },
  };
}
