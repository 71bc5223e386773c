// The one IPC contract shared by main, preload and renderer (in the manner of GitHub
// Desktop's ipc-shared.ts). Request channels map an input schema to an output schema; event
// channels are main → renderer pushes. Each domain lists its channels in channels/; this file
// joins them. Inputs are strict objects: the renderer is untrusted, so unknown keys
// (including __proto__ tricks) are rejected rather than silently dropped.
import { z } from 'zod';
import { appChannels } from './channels/app.js';
import { backboneChannels } from './channels/backbones.js';
import { captureChannels } from './channels/capture.js';
import { datasetChannels } from './channels/dataset.js';
import { engineChannels } from './channels/engine.js';
import { exportChannels } from './channels/export.js';
import { filesChannels } from './channels/files.js';
import { libraryChannels } from './channels/library.js';
import { projectChannels } from './channels/project.js';
import { sampleChannels } from './channels/sample.js';
import { shellChannels } from './channels/shell.js';
import { JobFinished, JobProgress, LabelChange, ProjectInfo, Settings, TrainMetrics, WatchChanged } from '../domain/schemas.js';

export const requestChannels = {
  ...appChannels,
  ...projectChannels,
  ...libraryChannels,
  ...datasetChannels,
  ...engineChannels,
  ...backboneChannels,
  ...sampleChannels,
  ...shellChannels,
  ...exportChannels,
  ...captureChannels,
  ...filesChannels,
} as const;

export const eventChannels = {
  'project:changed': z.object({ project: ProjectInfo.nullable() }),
  'labels:changed': LabelChange,
  'job:progress': JobProgress,
  'job:finished': JobFinished,
  'train:metrics': TrainMetrics,
  'watch:changed': WatchChanged,
  /** Images moved between splits (splits:set, splits:assign): counts and split badges follow. */
  'splits:changed': z.object({ changed: z.int().nonnegative() }),
  /** The project's settings after settings:update. */
  'settings:changed': Settings,
  /** A native menu item the page carries out (the menu lives in main, the screens in the page). */
  'shell:command': z.object({ command: z.enum(['export', 'backbones']) }),
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
