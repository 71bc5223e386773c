// Which files an open database really writes to. SQLite keeps writing to the project.sqlite and
// project.sqlite-wal it opened even after they were deleted or replaced on disk (a sync tool, a
// cleanup, a user restoring a backup): every later commit then goes to a file nobody will read
// again, and the labels are lost at the next open. The identity (device, inode) of both files
// is taken when the project opens and compared around every write; a change stops all writing.
import fs from 'node:fs';
import { StudioError } from '../domain/result.js';

function identity(file: string): string | null {
  try {
    const stat = fs.statSync(file);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return null;
  }
}

export class DatabaseFileGuard {
  private readonly main: string | null;
  private wal: string | null;
  private lost: string | null = null;

  constructor(private readonly file: string) {
    this.main = identity(file);
    this.wal = identity(`${file}-wal`);
  }

  /** Why writing must stop, or null while both files are the ones opened. */
  problem(): string | null {
    if (this.lost) return this.lost;
    const main = identity(this.file);
    if (main !== this.main) {
      this.lost = `${this.file} was ${main === null ? 'removed' : 'replaced by another file'} while the project was open`;
      return this.lost;
    }
    const wal = identity(`${this.file}-wal`);
    if (this.wal === null) {
      // No log yet (a read-only start): the first one SQLite creates is ours.
      this.wal = wal;
    } else if (wal !== this.wal) {
      this.lost = `${this.file}-wal (its write-ahead log, holding the latest changes) was ${wal === null ? 'removed' : 'replaced'} while the project was open`;
    }
    return this.lost;
  }

  /** Throws when writing must stop; `after` says the change just made may not be kept. */
  assertIntact(after: boolean): void {
    const problem = this.problem();
    if (!problem) return;
    throw new StudioError(
      'corrupt',
      `${problem}. Nothing more is written to it${after ? ', and the last change may not be kept' : ''}. Close the project and open it again; if something else manages this folder (a sync or backup tool), keep it away from an open project.`,
    );
  }
}
