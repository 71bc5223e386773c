// "Nothing but electron/project/ runs SQL", the half dependency-cruiser cannot see: it forbids
// importing better-sqlite3 outside project/, but a handle passed in can still be used. This
// looks for SQL being run (prepare, exec with SQL, transaction, pragma) in every main-side
// file outside project/; a layer above groups project/ writes atomically with inTransaction().
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** A statement being prepared, a transaction, a pragma, or exec given SQL (not RegExp#exec). */
const RUNS_SQL = /\.prepare\(|\.transaction\(|\.pragma\(|\.exec\(\s*[`'"]\s*(?:SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|ROLLBACK|WITH)\b/i;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts)$/.test(entry.name) ? [full] : [];
  });
}

export function checkSql(): string[] {
  const problems: string[] = [];
  for (const file of sourceFiles(path.join(root, 'electron'))) {
    const rel = path.relative(root, file).split(path.sep).join('/');
    if (rel.startsWith('electron/project/')) continue;
    if (RUNS_SQL.test(fs.readFileSync(file, 'utf8'))) problems.push(`${rel} runs SQL: move the query into a module under electron/project/ and call it.`);
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = checkSql();
  for (const problem of problems) console.error(problem);
  console.log(problems.length ? `check-sql: ${problems.length} problem(s)` : 'check-sql: only electron/project/ runs SQL');
  process.exitCode = problems.length ? 1 : 0;
}
