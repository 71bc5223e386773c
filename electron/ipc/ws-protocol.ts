// Frames of the WebSocket transport. Client frames are validated like any other payload.
import { z } from 'zod';
import { ResultEnvelope } from '../domain/result.js';

export const ClientFrame = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('req'), id: z.int().nonnegative(), channel: z.string().max(100), payload: z.unknown() }),
  z.strictObject({ t: z.literal('sub'), event: z.string().max(100) }),
  z.strictObject({ t: z.literal('unsub'), event: z.string().max(100) }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ServerFrame = z.discriminatedUnion('t', [
  z.object({ t: z.literal('res'), id: z.int().nonnegative().nullable(), result: ResultEnvelope }),
  z.object({ t: z.literal('evt'), event: z.string(), payload: z.unknown() }),
  /** The heartbeat: a page that hears nothing for HEARTBEAT_TIMEOUT_MS treats the studio as gone. */
  z.object({ t: z.literal('beat') }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

export const WS_PATH = '/ws';
export const HEARTBEAT_INTERVAL_MS = 1000;
/** Long enough for a busy machine to miss a beat or two, short enough to say so within 3 s. */
export const HEARTBEAT_TIMEOUT_MS = 2500;
export const TOKEN_PARAM = 'token';
/** Large enough for a bulk label of 200k ids, small enough to refuse a flood. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;
