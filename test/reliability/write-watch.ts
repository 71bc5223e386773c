// Detects any write to a project database from outside: a second, read-only connection sees
// PRAGMA data_version move when another connection commits, and the file hashes catch the rest.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export class WriteWatch {
  private readonly observer: Database.Database;
  private version: number;
  private readonly hash: string;

  constructor(private readonly file: string) {
    this.observer = new Database(file, { readonly: true, fileMustExist: true });
    this.version = this.dataVersion();
    this.hash = this.filesHash();
  }

  private dataVersion(): number {
    return this.observer.pragma('data_version', { simple: true }) as number;
  }

  /** sha256 of the database file and its WAL: any committed byte changes it. */
  filesHash(): string {
    const hash = createHash('sha256');
    for (const f of [this.file, `${this.file}-wal`]) if (fs.existsSync(f)) hash.update(fs.readFileSync(f));
    return hash.digest('hex');
  }

  /** True when another connection committed since the last call. */
  committedSinceLastLook(): boolean {
    const now = this.dataVersion();
    const changed = now !== this.version;
    this.version = now;
    return changed;
  }

  filesChanged(): boolean {
    return this.filesHash() !== this.hash;
  }

  close(): void {
    this.observer.close();
  }
}
