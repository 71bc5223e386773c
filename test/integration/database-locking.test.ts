// Two connections write one project: the main thread's (labels from the UI) and the engine
// worker's (runs, predictions). A deferred transaction that read first and then writes after
// the other connection committed fails at once with "database is locked" (busy_timeout does not
// retry it); under load that lost label writes (test/reliability/load). openDatabase makes every
// transaction take the write lock when it begins, so the other writer waits instead.
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createClass, listClasses } from '../../electron/project/classes.js';
import { openDatabase, type Db } from '../../electron/project/database.js';
import { tempDir } from '../helpers/temp-dir.js';

let tmp: ReturnType<typeof tempDir>;
let main: Db;
let worker: Db;
beforeEach(() => {
  tmp = tempDir();
  const file = path.join(tmp.dir, 'project.sqlite');
  main = openDatabase(file);
  worker = openDatabase(file);
  worker.pragma('busy_timeout = 50');
});
afterEach(() => {
  main.close();
  worker.close();
  tmp.cleanup();
});

it('takes the write lock when a transaction begins, so a read-then-write never meets "database is locked"', () => {
  main.transaction(() => {
    expect(listClasses(main)).toHaveLength(0);
    // The other connection cannot slip a commit in between this transaction's read and write...
    expect(() => worker.prepare("INSERT INTO classes (name, color, sort_order, created_at) VALUES ('bee', '#3333aa', 1, 0)").run()).toThrow(/locked|busy/i);
    // ...so the write that follows the read succeeds.
    createClass(main, { name: 'ant' });
  })();
  expect(listClasses(worker).map((c) => c.name)).toEqual(['ant']);
});

it('keeps nested transactions as savepoints', () => {
  expect(() =>
    main.transaction(() => {
      createClass(main, { name: 'ant' });
      const failing = main.transaction(() => {
        createClass(main, { name: 'bee' });
        throw new Error('inner');
      });
      expect(failing).toThrow('inner');
      createClass(main, { name: 'wasp' });
    })(),
  ).not.toThrow();
  expect(listClasses(main).map((c) => c.name).sort()).toEqual(['ant', 'wasp']);
});
