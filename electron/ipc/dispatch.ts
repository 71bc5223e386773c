// The single entry point both transports call: validate, run the handler, wrap the reply.
// Nothing a caller sends can make this throw; every failure becomes a typed error result.
import type { z } from 'zod';
import { storageError } from './storage-errors.js';
import {
  isRequestChannel,
  requestChannels,
  type ParsedInput,
  type RequestChannel,
  type RequestOutput,
} from './contract.js';
import { StudioError, fail, ok, type Result } from '../domain/result.js';

export interface CallContext {
  transport: 'electron' | 'websocket' | 'in-process';
}

export type Handler<K extends RequestChannel> = (input: ParsedInput<K>, ctx: CallContext) => RequestOutput<K> | Promise<RequestOutput<K>>;
/** The handlers of one domain's channels; the full table is the union of the groups. */
export type HandlerGroup<K extends RequestChannel> = { [P in K]: Handler<P> };
export type Handlers = HandlerGroup<RequestChannel>;

export interface DispatchOptions {
  /** Check handler outputs against the contract too (tests turn this on). */
  checkOutput?: boolean;
  onInternalError?: (channel: string, error: unknown) => void;
}

export function describeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 20).map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message}`);
}

export function createDispatcher(handlers: Handlers, options: DispatchOptions = {}) {
  return async function dispatch(channel: unknown, payload: unknown, ctx: CallContext): Promise<Result<unknown>> {
    if (!isRequestChannel(channel)) {
      return fail('unknown_channel', `No channel named ${JSON.stringify(String(channel)).slice(0, 120)}.`);
    }
    const spec = requestChannels[channel];
    const parsed = spec.input.safeParse(payload);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error);
      // A custom issue is a sentence written for the person (a path field's "Type a path, such
      // as ~/Pictures/cats."); the others name the field for a developer.
      const first = parsed.error.issues[0];
      const message = first?.code === 'custom' ? first.message : `Invalid request for ${channel}: ${issues[0] ?? 'malformed payload'}`;
      return fail('invalid_payload', message, issues);
    }
    try {
      const handler = handlers[channel] as (input: unknown, ctx: CallContext) => unknown;
      const value = await handler(parsed.data, ctx);
      if (options.checkOutput) {
        const out = spec.output.safeParse(value);
        if (!out.success) {
          return fail('internal', `Handler for ${channel} returned a value outside the contract`, describeIssues(out.error));
        }
      }
      return ok(value);
    } catch (error) {
      if (error instanceof StudioError) return { ok: false, error: error.toInfo() };
      const storage = storageError(error);
      if (storage) return { ok: false, error: storage.toInfo() };
      options.onInternalError?.(channel, error);
      const message = error instanceof Error ? error.message : String(error);
      return fail('internal', `${channel} failed: ${message}`);
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
