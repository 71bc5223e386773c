// check: the full integrity check of a project's database, on demand (opening a project runs
// only the quick one). Read-only: it never repairs or migrates, so it is safe on a damaged file.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../domain/result.js';
import { openDatabase } from '../../project/database.js';
import { checkIntegrity, refuseForeignDatabase, type IntegrityReport } from '../../project/integrity.js';
import { DB_FILE } from '../../project/project.js';
import type { Command } from '../command.js';

export const checkCommand: Command = {
  name: 'check',
  usage: 'PROJECT',
  summary: "check a project's database for damage (read-only)",
  details: 'Every table and index is checked (SQLite integrity_check) and every reference between rows. Exit code 1 when anything is damaged.',
  positionals: { min: 1, max: 1, names: 'a project folder' },
  async run({ args, out }) {
    const dir = path.resolve(args[0]!);
    const file = path.join(dir, DB_FILE);
    if (!fs.existsSync(file)) throw new StudioError('not_found', `${dir} is not a Transfer Studio project (no ${DB_FILE}).`);
    let report: IntegrityReport;
    try {
      refuseForeignDatabase(dir, file);
      const db = openDatabase(file, { readonly: true });
      try {
        report = checkIntegrity(db, { full: true });
      } finally {
        db.close();
      }
    } catch (error) {
      if (!(error instanceof StudioError) && !(error instanceof Error)) throw error;
      report = { ok: false, damaged: [DB_FILE], problems: [error.message], foreignKeyErrors: 0 };
    }
    out.result({ path: dir, ...report }, () =>
      report.ok
        ? `${dir}: the database is sound.`
        : [
            `${dir}: the database is damaged${report.damaged.length ? ` (${report.damaged.join(', ')})` : ''}.`,
            ...report.problems.slice(0, 20).map((p) => `  ${p}`),
            ...(report.foreignKeyErrors ? [`  ${report.foreignKeyErrors} rows refer to rows that are not there`] : []),
            'Restore project.sqlite from a backup. A damaged embedding cache alone is rebuilt by the next training.',
          ],
    );
    return report.ok ? 0 : 1;
  },
};
