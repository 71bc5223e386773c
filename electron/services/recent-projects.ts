// Recently opened projects, newest first, in a small JSON file of the user data folder. A file
// on the main side rather than the page's localStorage: serve mode's origin carries a new port
// at every launch, so the browser would forget the list each time.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { RecentProject } from '../domain/schemas.js';
import { DB_FILE } from '../project/project.js';

export const RECENT_FILE = 'recent-projects.json';
export const MAX_RECENT = 12;

const Stored = z.object({
  projects: z.array(z.object({ path: z.string().min(1), name: z.string(), openedAt: z.number() })).max(1000),
});
type StoredProject = z.infer<typeof Stored>['projects'][number];

export class RecentProjects {
  readonly file: string;

  constructor(userDataDir: string) {
    this.file = path.join(userDataDir, RECENT_FILE);
  }

  /** The list with whether each project is still there; a damaged file reads as empty. */
  list(): RecentProject[] {
    return this.read().map((p) => ({ ...p, exists: fs.existsSync(path.join(p.path, DB_FILE)) }));
  }

  record(projectPath: string, name: string): void {
    const rest = this.read().filter((p) => p.path !== projectPath);
    this.write([{ path: projectPath, name, openedAt: Date.now() }, ...rest].slice(0, MAX_RECENT));
  }

  forget(projectPath: string): boolean {
    const before = this.read();
    const after = before.filter((p) => p.path !== projectPath);
    if (after.length === before.length) return false;
    this.write(after);
    return true;
  }

  private read(): StoredProject[] {
    try {
      const parsed = Stored.safeParse(JSON.parse(fs.readFileSync(this.file, 'utf8')));
      return parsed.success ? parsed.data.projects : [];
    } catch {
      return [];
    }
  }

  /** Write-then-rename, so a crash leaves the old list or the new one, never half of one. */
  private write(projects: StoredProject[]): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify({ projects }, null, 2)}\n`);
    fs.renameSync(tmp, this.file);
  }
}
