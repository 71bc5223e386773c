// Wires the main-side services once; transports attach to what this returns.
import { createDispatcher, type DispatchOptions } from '../ipc/dispatch.js';
import { EventBus } from '../ipc/event-bus.js';
import { createHandlers } from './handlers.js';
import { Session } from './session.js';

export interface Studio {
  session: Session;
  bus: EventBus;
  dispatch: ReturnType<typeof createDispatcher>;
  close(): void;
}

export function createStudio(options: DispatchOptions = {}): Studio {
  const session = new Session();
  const bus = new EventBus();
  const dispatch = createDispatcher(createHandlers(session, bus), {
    onInternalError: (channel, error) => console.error(`[studio] ${channel} failed:`, error),
    ...options,
  });
  return { session, bus, dispatch, close: () => session.close() };
}
