// The renderer's view of the studio: the same typed methods whichever transport carries them.
import type { EventChannel, EventPayload, RequestChannel, RequestInput, RequestOutput } from './contract.js';
import { StudioError, type Result } from '../domain/result.js';

/** What a transport must provide; the Electron preload exposes exactly this on window. */
export interface Transport {
  readonly kind: 'electron' | 'websocket' | 'in-process';
  invoke(channel: string, payload: unknown): Promise<Result<unknown>>;
  subscribe(event: string, callback: (payload: unknown) => void): () => void;
}

export interface StudioClient {
  readonly transport: Transport['kind'];
  invoke<K extends RequestChannel>(channel: K, input: RequestInput<K>): Promise<RequestOutput<K>>;
  /** Like invoke, but returns the error result instead of throwing. */
  call<K extends RequestChannel>(channel: K, input: RequestInput<K>): Promise<Result<RequestOutput<K>>>;
  on<E extends EventChannel>(event: E, callback: (payload: EventPayload<E>) => void): () => void;
}

export function createClient(transport: Transport): StudioClient {
  return {
    transport: transport.kind,
    async call(channel, input) {
      // The main side validates every value against the contract, so the cast is the
      // contract's own promise, not a guess.
      return (await transport.invoke(channel, input)) as Result<RequestOutput<typeof channel>>;
    },
    async invoke(channel, input) {
      const result = await transport.invoke(channel, input);
      if (!result.ok) throw new StudioError(result.error.code, result.error.message, result.error.issues);
      return result.value as RequestOutput<typeof channel>;
    },
    on(event, callback) {
      return transport.subscribe(event, (payload) => callback(payload as EventPayload<typeof event>));
    },
  };
}
