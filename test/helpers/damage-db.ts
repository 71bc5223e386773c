// Damages a real SQLite file the way a bad disk or a stray write does: garbage over one page
// of one table (found through SQLite's dbstat table), with the WAL checkpointed first so the
// page is in the main file.
import fs from 'node:fs';
import Database from 'better-sqlite3';

/** Overwrites a leaf page of `table` (its middle one) with garbage; returns the page number. */
export function damageTablePage(file: string, table: string): number {
  const db = new Database(file);
  let page: number;
  let pageSize: number;
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.prepare(`SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno`).pluck().all(table) as number[];
    if (pages.length === 0) throw new Error(`${table} has no leaf page to damage`);
    page = pages[Math.floor(pages.length / 2)]!;
  } finally {
    db.close();
  }
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xab), 0, pageSize, (page - 1) * pageSize);
  } finally {
    fs.closeSync(fd);
  }
  return page;
}
