// Channels of dataset curation: imports (folder, dropped files, CSV) and their reports,
// watched folders, the health check and train/val/test splits. Imports and the health check
// are jobs: the channel answers with the job id at once, the renderer follows job:progress
// and job:finished, then reads the report.
import { z } from 'zod';
import { AbsolutePath, ClientKey, HealthReport, Id, ImportReport, ImportStarted, ImportSummary, Split, SplitAssignment, WatchedFolder } from '../../domain/schemas.js';
import { channel, none } from './define.js';

export const datasetChannels = {
  'import:folder': channel(z.strictObject({ path: AbsolutePath, clientKey: ClientKey.optional() }), ImportStarted),
  /** Dropped files and folders: each path is checked on the main side, a bad one is reported. */
  'import:files': channel(z.strictObject({ paths: z.array(AbsolutePath).min(1).max(100_000), clientKey: ClientKey.optional() }), ImportStarted),
  'import:csv': channel(z.strictObject({ path: AbsolutePath, clientKey: ClientKey.optional() }), ImportStarted),
  'import:list': channel(z.strictObject({ limit: z.int().min(1).max(200).optional() }), z.array(ImportSummary)),
  /** The report of one import (the latest without an id) with a page of its problems. */
  'import:report': channel(
    z.strictObject({
      importId: Id.optional(),
      offset: z.int().nonnegative().max(10_000_000).optional(),
      limit: z.int().min(1).max(10_000).optional(),
    }),
    ImportReport.nullable(),
  ),

  'watch:list': channel(none, z.array(WatchedFolder)),
  /** Starts watching (resolved once the watcher is ready) and reconciles the folder in an import job. */
  'watch:add': channel(z.strictObject({ path: AbsolutePath }), z.object({ folder: WatchedFolder, reconcile: ImportStarted.nullable() })),
  'watch:remove': channel(z.strictObject({ id: Id }), z.object({ removed: z.boolean() })),

  'health:run': channel(z.strictObject({ clientKey: ClientKey.optional() }), z.object({ jobId: z.string() })),
  'health:report': channel(none, HealthReport.nullable()),

  /** Assigns unassigned images; with reshuffle, automatic train/val images too (test stays locked). */
  'splits:assign': channel(z.strictObject({ reshuffle: z.boolean().optional() }), SplitAssignment),
  /** The user's choice of split for some images; imports and reshuffles keep it. */
  'splits:set': channel(z.strictObject({ imageIds: z.array(Id).min(1).max(200_000), split: Split }), z.object({ changed: z.int().nonnegative() })),
};
