// Opening a project database: the pragmas that make it safe, then pending migrations.
import Database from 'better-sqlite3';
import { StudioError } from '../domain/result.js';
import { DatabaseFileGuard } from './file-identity.js';
import { LATEST_VERSION, migrations } from './migrations.js';

export type Db = Database.Database;

export interface OpenOptions {
  /** Stop migrating at this version (tests build older databases with it). */
  targetVersion?: number;
  readonly?: boolean;
  /** Runs before any migration writes (the integrity check on open). */
  beforeMigrate?: (db: Db) => void;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Makes db.transaction() begin IMMEDIATE. Every transaction in the studio writes, and most read
 * first: a deferred one that reads, then writes after another connection (the engine worker,
 * the CLI) committed in between fails at once with SQLITE_BUSY ("database is locked"), which
 * busy_timeout cannot retry. IMMEDIATE takes the write lock up front, so it waits instead.
 */
function immediateTransactions(db: Db): void {
  const make = db.transaction.bind(db);
  // better-sqlite3's .immediate variant carries the same .deferred/.exclusive/.database
  // properties; nested calls still become savepoints.
  db.transaction = ((fn: (...args: unknown[]) => unknown) => make(fn).immediate) as Db['transaction'];
}

/**
 * Checks the guard around every write: each transaction, and each statement that writes
 * outside one. Reads are not checked (they cannot lose anything).
 */
function guardWrites(db: Db, guard: DatabaseFileGuard): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const inner = transaction((...args: unknown[]) => fn(...args));
    const outer = (...args: unknown[]) => {
      const nested = db.inTransaction;
      if (!nested) guard.assertIntact(false);
      const result = inner(...args);
      if (!nested) guard.assertIntact(true);
      return result;
    };
    return Object.assign(outer, { deferred: inner.deferred, immediate: inner.immediate, exclusive: inner.exclusive, default: inner.default });
  }) as Db['transaction'];
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    const statement = prepare(source);
    if (statement.reader) return statement;
    const run = statement.run.bind(statement);
    statement.run = ((...params: unknown[]) => {
      const alone = !db.inTransaction;
      if (alone) guard.assertIntact(false);
      const result = run(...params);
      if (alone) guard.assertIntact(true);
      return result;
    }) as typeof statement.run;
    return statement;
  }) as Db['prepare'];
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  if (!options.readonly) immediateTransactions(db);
  try {
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // FULL: a label the user saw committed must survive a crash, not only a clean exit.
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    options.beforeMigrate?.(db);
    if (!options.readonly) migrate(db, options.targetVersion ?? LATEST_VERSION);
    if (!options.readonly) guardWrites(db, new DatabaseFileGuard(file));
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function migrate(db: Db, target: number = LATEST_VERSION): void {
  const current = schemaVersion(db);
  if (current > LATEST_VERSION) {
    throw new StudioError(
      'conflict',
      `This project was saved by a newer Transfer Studio (schema ${current}, this version knows ${LATEST_VERSION}). Update the app to open it.`,
    );
  }
  for (let version = current; version < target; version++) {
    const step = migrations[version];
    if (!step) break;
    db.transaction(() => {
      step(db);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

/**
 * Runs `work` in one transaction: layers above group several project/ writes atomically
 * without running SQL themselves.
 */
export function inTransaction<T>(db: Db, work: () => T): T {
  return db.transaction(work)();
}
