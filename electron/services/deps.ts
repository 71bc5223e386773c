// What every handler group is built from.
import type { EngineHost } from '../worker/engine-host.js';
import type { EventBus } from '../ipc/event-bus.js';
import type { JobManager } from '../jobs/job-manager.js';
import type { NativeDialogs } from './dialogs.js';
import type { RecentProjects } from './recent-projects.js';
import type { Session } from '../project/session.js';

export interface ServiceDeps {
  session: Session;
  bus: EventBus;
  jobs: JobManager;
  /** The training engine's worker thread (started on first use). */
  engine: EngineHost;
  /** Native open/save dialogs: the desktop window only (serve mode answers 'unsupported'). */
  dialogs?: NativeDialogs;
  /** Recently opened projects (user data folder). */
  recent: RecentProjects;
}
