// The one IPC contract shared by main, preload and renderer (in the manner of GitHub
// Desktop's ipc-shared.ts). Request channels map an input schema to an output schema; event
// channels are main → renderer pushes. Inputs are strict objects: the renderer is untrusted,
// so unknown keys (including __proto__ tricks) are rejected rather than silently dropped.
import { z } from 'zod';
import {
  AbsolutePath,
  ClassName,
  ClassRow,
  Color,
  Id,
  ImageFilter,
  ImageRow,
  JobFinished,
  JobProgress,
  LabelChange,
  LabelSummary,
  ProjectInfo,
  Settings,
  SettingsPatch,
  Shortcut,
  TrainMetrics,
  WatchChanged,
} from './schemas.js';

const none = z.strictObject({});

function channel<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const requestChannels = {
  'app:info': channel(
    none,
    z.object({
      name: z.string(),
      version: z.string(),
      transport: z.enum(['electron', 'websocket', 'in-process']),
      platform: z.string(),
    }),
  ),

  'project:create': channel(
    z.strictObject({ path: AbsolutePath, name: z.string().trim().min(1).max(200).optional() }),
    ProjectInfo,
  ),
  'project:open': channel(z.strictObject({ path: AbsolutePath }), ProjectInfo),
  'project:close': channel(none, z.object({ closed: z.boolean() })),
  'project:current': channel(none, ProjectInfo.nullable()),
  'project:summary': channel(none, LabelSummary),

  'classes:list': channel(none, z.array(ClassRow)),
  'classes:create': channel(
    z.strictObject({ name: ClassName, color: Color.optional(), shortcut: Shortcut.nullable().optional() }),
    ClassRow,
  ),
  'classes:update': channel(
    z.strictObject({
      id: Id,
      name: ClassName.optional(),
      color: Color.optional(),
      shortcut: Shortcut.nullable().optional(),
      order: z.int().min(0).max(1_000_000).optional(),
    }),
    ClassRow,
  ),

  'images:page': channel(
    z.strictObject({
      offset: z.int().nonnegative().max(10_000_000),
      limit: z.int().min(1).max(1000),
      filter: ImageFilter.optional(),
    }),
    z.object({ total: z.int(), rows: z.array(ImageRow) }),
  ),

  'labels:set': channel(
    z.strictObject({ imageIds: z.array(Id).min(1).max(200_000), classId: Id.nullable() }),
    LabelChange,
  ),
  'labels:undo': channel(none, LabelChange),
  'labels:redo': channel(none, LabelChange),

  'settings:get': channel(none, Settings),
  'settings:update': channel(SettingsPatch, Settings),
} as const;

export const eventChannels = {
  'project:changed': z.object({ project: ProjectInfo.nullable() }),
  'labels:changed': LabelChange,
  'job:progress': JobProgress,
  'job:finished': JobFinished,
  'train:metrics': TrainMetrics,
  'watch:changed': WatchChanged,
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
