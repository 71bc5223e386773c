// The one IPC contract shared by main, preload and renderer (in the manner of GitHub
// Desktop's ipc-shared.ts). Request channels map an input schema to an output schema; event
// channels are main → renderer pushes. Each domain lists its channels in channels/; this file
// joins them. Inputs are strict objects: the renderer is untrusted, so unknown keys
// (including __proto__ tricks) are rejected rather than silently dropped.
import { z } from 'zod';
import { appChannels } from './channels/app.js';
import { datasetChannels } from './channels/dataset.js';
import { engineChannels } from './channels/engine.js';
import { exportChannels } from './channels/export.js';
import { filesChannels } from './channels/files.js';
import { libraryChannels } from './channels/library.js';
import { projectChannels } from './channels/project.js';
import { shellChannels } from './channels/shell.js';
import { JobFinished, JobProgress, LabelChange, ProjectInfo, TrainMetrics, WatchChanged } from './schemas.js';

export const requestChannels = {
  ...appChannels,
  ...projectChannels,
  ...libraryChannels,
  ...datasetChannels,
  ...engineChannels,
  ...shellChannels,
  ...exportChannels,
  ...filesChannels,
} as const;

export const eventChannels = {
  'project:changed': z.object({ project: ProjectInfo.nullable() }),
  'labels:changed': LabelChange,
  'job:progress': JobProgress,
  'job:finished': JobFinished,
  'train:metrics': TrainMetrics,
  'watch:changed': WatchChanged,
  /** A native menu item the page carries out (the menu lives in main, the screens in the page). */
  'shell:command': z.object({ command: z.enum(['export']) }),
} as const;

export type RequestChannels = typeof requestChannels;
export type RequestChannel = keyof RequestChannels;
export type RequestInput<K extends RequestChannel> = z.input<RequestChannels[K]['input']>;
/** What a handler receives: the input after parsing (defaults applied, strings trimmed). */
export type ParsedInput<K extends RequestChannel> = z.output<RequestChannels[K]['input']>;
export type RequestOutput<K extends RequestChannel> = z.output<RequestChannels[K]['output']>;

export type EventChannels = typeof eventChannels;
export type EventChannel = keyof EventChannels;
export type EventPayload<E extends EventChannel> = z.output<EventChannels[E]>;

export function isRequestChannel(name: unknown): name is RequestChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requestChannels, name);
}

export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(eventChannels, name);
}

export const requestChannelNames = Object.keys(requestChannels) as RequestChannel[];
export const eventChannelNames = Object.keys(eventChannels) as EventChannel[];
