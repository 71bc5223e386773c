// The watched_folders table: folders the studio keeps importing from while the project is open.
import type { Db } from './database.js';

export interface WatchedFolderRow {
  id: number;
  path: string;
  addedAt: number;
}

export function listWatchedFolders(db: Db): WatchedFolderRow[] {
  return db.prepare('SELECT id, path, added_at AS addedAt FROM watched_folders ORDER BY id').all() as WatchedFolderRow[];
}

/** Stores a folder to watch; adding one already watched changes nothing. */
export function addWatchedFolder(db: Db, root: string): void {
  db.prepare('INSERT INTO watched_folders (path, added_at) VALUES (?, ?) ON CONFLICT(path) DO NOTHING').run(root, Date.now());
}

/** Forgets a watched folder; returns its path, or null when there was none with that id. */
export function removeWatchedFolder(db: Db, id: number): string | null {
  const path = db.prepare('SELECT path FROM watched_folders WHERE id = ?').pluck().get(id) as string | undefined;
  if (path === undefined) return null;
  db.prepare('DELETE FROM watched_folders WHERE id = ?').run(id);
  return path;
}
