// The main side's state: which project is open. One per app (Electron) or server (serve mode).
import { StudioError } from '../domain/result.js';
import { openProject, createProject, type Project } from './project.js';

export interface SessionHooks {
  /** After a project was opened or created (e.g. resume its watched folders). */
  opened?(project: Project): void;
  /** Before a project's database closes: stop whatever still writes to it. */
  closing?(project: Project): void;
}

export class Session {
  private current: Project | null = null;
  private readonly hooks = new Set<SessionHooks>();

  get project(): Project | null {
    return this.current;
  }

  /** Registers lifecycle hooks; returns the function that removes them. */
  observe(hooks: SessionHooks): () => void {
    this.hooks.add(hooks);
    return () => this.hooks.delete(hooks);
  }

  /** The open project, or a typed error the renderer can show as "open a project first". */
  requireProject(): Project {
    if (!this.current) throw new StudioError('no_project', 'No project is open. Create or open one first.');
    return this.current;
  }

  open(dir: string): Project {
    const next = openProject(dir);
    this.close();
    this.current = next;
    this.notifyOpened(next);
    return next;
  }

  create(dir: string, name?: string): Project {
    const next = createProject(dir, name);
    this.close();
    this.current = next;
    this.notifyOpened(next);
    return next;
  }

  close(): boolean {
    if (!this.current) return false;
    const closing = this.current;
    for (const hooks of this.hooks) {
      try {
        hooks.closing?.(closing);
      } catch (error) {
        // A hook that fails must not keep the database open.
        console.error('[session] closing hook failed:', error);
      }
    }
    closing.close();
    this.current = null;
    return true;
  }

  private notifyOpened(project: Project): void {
    for (const hooks of this.hooks) {
      try {
        hooks.opened?.(project);
      } catch (error) {
        // The project is open and usable even if, say, a watched folder could not be resumed.
        console.error('[session] opened hook failed:', error);
      }
    }
  }
}
