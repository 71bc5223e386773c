// "Nothing but electron/project/ runs SQL", the half dependency-cruiser cannot see: it forbids
// importing better-sqlite3 outside project/, but a handle passed in can still be used. This
// looks for SQL being run (prepare, exec with SQL, transaction, pragma) in every main-side
// file outside project/. PENDING lists the files whose queries have not moved into project/
// query modules yet; a file that stops running SQL must leave the list, so it only shrinks.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** Files outside project/ that still run their own SQL (to move into project/ query modules). */
export const PENDING = new Set<string>([
  'electron/dataset/health.ts',
  'electron/dataset/import-commit.ts',
  'electron/dataset/splits.ts',
  'electron/engine/embeddings/cache.ts',
  'electron/engine/training/run.ts',
  'electron/export/dataset/predictions-export.ts',
]);

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
    const runs = RUNS_SQL.test(fs.readFileSync(file, 'utf8'));
    if (runs && !PENDING.has(rel)) problems.push(`${rel} runs SQL: move the query into a module under electron/project/ and call it.`);
    if (!runs && PENDING.has(rel)) problems.push(`${rel} no longer runs SQL: remove it from PENDING in scripts/check-sql.ts.`);
  }
  for (const rel of PENDING) if (!fs.existsSync(path.join(root, rel))) problems.push(`${rel} is listed in PENDING but does not exist.`);
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = checkSql();
  for (const problem of problems) console.error(problem);
  console.log(problems.length ? `check-sql: ${problems.length} problem(s)` : `check-sql: only electron/project/ runs SQL (${PENDING.size} files still to move)`);
  process.exitCode = problems.length ? 1 : 0;
}
