// Wires the main-side services once; transports attach to what this returns.
import { createDispatcher, type Dispatch, type DispatchOptions } from '../ipc/dispatch.js';
import { EventBus } from '../ipc/event-bus.js';
import { EngineHost } from '../worker/engine-host.js';
import { modelCacheDir } from '../engine/backbones/model-cache.js';
import { JobManager } from '../jobs/job-manager.js';
import { createHandlers } from './handlers/index.js';
import type { NativeDialogs } from './dialogs.js';
import { projectInfo } from '../project/project.js';
import { RecentProjects } from './recent-projects.js';
import { Session } from '../project/session.js';
import { defaultUserDataDir } from './user-data.js';

export interface Studio {
  session: Session;
  bus: EventBus;
  jobs: JobManager;
  engine: EngineHost;
  recent: RecentProjects;
  dispatch: Dispatch;
  /**
   * Shuts the services down cleanly: cancels every job and waits for each to settle (a
   * cancelled import keeps what it committed, a cancelled run is recorded as cancelled), then
   * stops the engine worker and closes the project. The desktop app calls it on quit.
   */
  close(): Promise<void>;
}

export interface StudioOptions extends DispatchOptions {
  /** The engine to use (tests pass one with a private model cache). */
  engine?: EngineHost;
  /** Native dialogs, in the desktop window. */
  dialogs?: NativeDialogs;
  /** How long close() waits for cancelled jobs before it stops the engine anyway. */
  closeTimeoutMs?: number;
  /** Where per-user state lives (default: the platform's app data folder, or STUDIO_USER_DATA). */
  userDataDir?: string;
}

const CLOSE_TIMEOUT_MS = 15_000;

export function createStudio(options: StudioOptions = {}): Studio {
  const session = new Session();
  const bus = new EventBus();
  const jobs = new JobManager(bus);
  const engine = options.engine ?? new EngineHost({ modelCache: modelCacheDir() });
  const recent = new RecentProjects(options.userDataDir ?? defaultUserDataDir());
  // Whoever opens a project (a channel, the CLI's serve, a test) puts it on the recent list.
  session.observe({ opened: (project) => recent.record(project.dir, projectInfo(project).name) });
  const dispatch = createDispatcher(createHandlers({ session, bus, jobs, engine, recent, dialogs: options.dialogs }), {
    onInternalError: (channel, error) => console.error(`[studio] ${channel} failed:`, error),
    ...options,
  });
  return {
    session,
    bus,
    jobs,
    engine,
    recent,
    dispatch,
    close: async () => {
      jobs.cancelAll();
      const settled = await jobs.whenIdle(options.closeTimeoutMs ?? CLOSE_TIMEOUT_MS);
      if (!settled) console.error('[studio] some jobs did not stop in time; stopping the engine anyway.');
      await engine.stop();
      session.close();
    },
  };
}
