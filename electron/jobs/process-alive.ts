// Whether a process id still runs: a temp file or staging folder named after a dead process is
// a leftover of a crash or kill and may be removed.
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
