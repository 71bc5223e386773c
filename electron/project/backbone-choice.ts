// The backbone a project trains on: a project setting (settings table, key 'backbone'), so the
// choice survives reloads, restarts and moving the project folder to another machine. Absent =
// the studio's default.
import type { Db } from './database.js';

const KEY = 'backbone';

export function readBackboneChoice(db: Db): string | null {
  const raw = db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(KEY) as string | undefined;
  if (raw === undefined) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'string' && value.length > 0 ? value : null;
  } catch {
    return null;
  }
}

export function writeBackboneChoice(db: Db, id: string | null): void {
  if (id === null) db.prepare('DELETE FROM settings WHERE key = ?').run(KEY);
  else db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(KEY, JSON.stringify(id));
}
