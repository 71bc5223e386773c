// What every handler group is built from.
import type { EventBus } from '../ipc/event-bus.js';
import type { JobManager } from '../jobs/job-manager.js';
import type { Session } from './session.js';

export interface ServiceDeps {
  session: Session;
  bus: EventBus;
  jobs: JobManager;
}
