// Folders written in full under a temporary name and then renamed into place (models, and any
// other output that must appear whole or not at all). The temporary name carries the writer's
// process id, so that a sweep after a crash removes only what a dead process left behind and
// never a folder another live process is still writing.
import path from 'node:path';

const PARTIAL = /\.partial-(\d+)-\d+$/;

export function partialFolderName(target: string): string {
  return `${target}.partial-${process.pid}-${Date.now()}`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A temporary folder whose writer is gone (killed, crashed): nothing will ever finish it. */
export function isAbandonedPartial(folder: string): boolean {
  const match = PARTIAL.exec(path.basename(folder));
  return match !== null && !processAlive(Number(match[1]));
}
