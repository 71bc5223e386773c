// Wires the main-side services once; transports attach to what this returns.
import { createDispatcher, type Dispatch, type DispatchOptions } from '../ipc/dispatch.js';
import { EventBus } from '../ipc/event-bus.js';
import { JobManager } from '../jobs/job-manager.js';
import { createHandlers } from './handlers/index.js';
import { Session } from './session.js';

export interface Studio {
  session: Session;
  bus: EventBus;
  jobs: JobManager;
  dispatch: Dispatch;
  close(): void;
}

export function createStudio(options: DispatchOptions = {}): Studio {
  const session = new Session();
  const bus = new EventBus();
  const jobs = new JobManager(bus);
  const dispatch = createDispatcher(createHandlers({ session, bus, jobs }), {
    onInternalError: (channel, error) => console.error(`[studio] ${channel} failed:`, error),
    ...options,
  });
  return {
    session,
    bus,
    jobs,
    dispatch,
    close: () => {
      jobs.cancelAll();
      session.close();
    },
  };
}
