// The main side's state: which project is open. One per app (Electron) or server (serve mode).
import { StudioError } from '../ipc/result.js';
import { openProject, createProject, type Project } from '../project/project.js';

export class Session {
  private current: Project | null = null;

  get project(): Project | null {
    return this.current;
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
    return next;
  }

  create(dir: string, name?: string): Project {
    const next = createProject(dir, name);
    this.close();
    this.current = next;
    return next;
  }

  close(): boolean {
    if (!this.current) return false;
    this.current.close();
    this.current = null;
    return true;
  }
}
