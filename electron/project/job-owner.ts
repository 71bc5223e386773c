// Which process runs a job recorded in the project (a training run, an import), so that opening
// the project from another process (the CLI's `info` during a training, serve mode during a CLI
// import) does not declare that job interrupted while it still runs, and the model-folder
// cleanup that trusts the status cannot delete a folder being written. A job's owner is its
// process id plus that process's start time (a pid alone is reused after a reboot or on a busy
// machine) and the host name; only a job whose owner is gone is interrupted.
import fs from 'node:fs';
import os from 'node:os';
import type { Db } from './database.js';
import { processAlive } from '../jobs/process-alive.js';

export type JobTable = 'runs' | 'imports' | 'exports';

export interface JobOwner {
  pid: number;
  /** The process's start time in clock ticks since boot (Linux), or null where unknown. */
  start: string | null;
  host: string;
}

/** Field 22 of /proc/PID/stat; null where there is no /proc. */
export function processStart(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

let self: JobOwner | null = null;
export function currentOwner(): JobOwner {
  self ??= { pid: process.pid, start: processStart(process.pid), host: os.hostname() };
  return self;
}

/** Whether the owner still runs. A job of another machine (a shared folder) is taken as running. */
export function ownerAlive(owner: JobOwner): boolean {
  if (owner.host !== os.hostname()) return true;
  if (owner.pid === process.pid) return owner.start === null || owner.start === currentOwner().start;
  if (!processAlive(owner.pid)) return false;
  const start = processStart(owner.pid);
  return owner.start === null || start === null || start === owner.start;
}

const ownerKey = (table: JobTable, id: number) => `job-owner:${table}:${id}`;

/** Records this process as the owner of a job (in the settings table: no schema change). */
export function claimJob(db: Db, table: JobTable, id: number): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(ownerKey(table, id), JSON.stringify(currentOwner()));
}

export function releaseJob(db: Db, table: JobTable, id: number): void {
  db.prepare('DELETE FROM settings WHERE key = ?').run(ownerKey(table, id));
}

function readOwner(db: Db, table: JobTable, id: number): JobOwner | null {
  const raw = db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(ownerKey(table, id)) as string | undefined;
  if (raw === undefined) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<JobOwner>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? { pid: parsed.pid, start: parsed.start ?? null, host: parsed.host } : null;
  } catch {
    return null;
  }
}

/**
 * Marks the table's unfinished jobs whose owner is gone (or unknown: written before owners
 * were recorded) as interrupted; returns how many. Jobs of a live process are left alone.
 */
export function markOrphanedJobs(db: Db, table: JobTable, unfinished: readonly string[]): number {
  const marks = unfinished.map(() => '?').join(', ');
  const ids = db.prepare(`SELECT id FROM ${table} WHERE status IN (${marks})`).pluck().all(...unfinished) as number[];
  const orphaned = ids.filter((id) => {
    const owner = readOwner(db, table, id);
    return owner === null || !ownerAlive(owner);
  });
  if (orphaned.length === 0) return 0;
  const mark = db.prepare(`UPDATE ${table} SET status = 'interrupted', finished_at = coalesce(finished_at, ?) WHERE id = ? AND status IN (${marks})`);
  let changed = 0;
  db.transaction(() => {
    for (const id of orphaned) {
      changed += mark.run(Date.now(), id, ...unfinished).changes;
      releaseJob(db, table, id);
    }
  })();
  return changed;
}
