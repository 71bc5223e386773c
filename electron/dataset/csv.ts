// `path,label[,split]` CSV files: RFC 4180 quoting (commas, quotes and newlines inside quoted
// fields), an optional header, paths relative to the CSV's folder. A bad row is reported and
// skipped; it never stops the rest.
import path from 'node:path';
import type { ReportedProblem } from './problems.js';
import { restoreFormula } from './csv-formula.js';
import { classNameFrom, splitFromName } from './layout.js';
import type { Split } from '../domain/schemas.js';

export function parseCsv(text: string): Array<{ line: number; fields: string[] }> {
  const rows: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0]!.trim() !== '') rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field.length === 0) {
      quoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      field += c;
    }
  }
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

export interface CsvEntry {
  path: string;
  className: string | null;
  split: Exclude<Split, 'unassigned'> | null;
  line: number;
}

const PATH_HEADERS = new Set(['path', 'file', 'filename', 'file_name', 'filepath', 'image', 'image_path']);
const LABEL_HEADERS = new Set(['label', 'class', 'category', 'class_name', 'labels']);
const SPLIT_HEADERS = new Set(['split', 'subset', 'set', 'fold']);

/** Reads the rows of a CSV at `csvFile` into entries with absolute paths, and the bad rows as problems. */
export function csvEntries(csvFile: string, text: string): { entries: CsvEntry[]; problems: ReportedProblem[] } {
  // Cells the studio neutralised against spreadsheet formulas get their text back.
  const rows = parseCsv(text).map((row) => ({ ...row, fields: row.fields.map(restoreFormula) }));
  const entries: CsvEntry[] = [];
  const problems: ReportedProblem[] = [];
  let columns = { path: 0, label: 1, split: 2 };
  const first = rows[0]?.fields.map((f) => f.trim().toLowerCase());
  if (first?.some((f) => PATH_HEADERS.has(f))) {
    const find = (names: Set<string>, fallback: number) => {
      const index = first.findIndex((f) => names.has(f));
      return index === -1 ? fallback : index;
    };
    columns = { path: find(PATH_HEADERS, 0), label: find(LABEL_HEADERS, -1), split: find(SPLIT_HEADERS, -1) };
    rows.shift();
  }
  const seen = new Map<string, number>();
  const where = (line: number) => `${path.basename(csvFile)} line ${line}`;
  for (const { line, fields } of rows) {
    const raw = (fields[columns.path] ?? '').trim();
    if (!raw) {
      problems.push({ path: `${csvFile}:${line}`, reason: 'bad_row', message: `${where(line)}: no path in the first column` });
      continue;
    }
    const file = path.resolve(path.dirname(csvFile), raw);
    const labelText = columns.label >= 0 ? (fields[columns.label] ?? '').trim() : '';
    const className = labelText ? classNameFrom(labelText) : null;
    if (labelText && !className) {
      problems.push({ path: file, reason: 'bad_row', message: `${where(line)}: "${labelText.slice(0, 60)}" cannot be a class name` });
      continue;
    }
    const splitText = columns.split >= 0 ? (fields[columns.split] ?? '').trim() : '';
    const split = splitText ? splitFromName(splitText) : null;
    if (splitText && !split) {
      problems.push({ path: file, reason: 'bad_row', message: `${where(line)}: unknown split "${splitText.slice(0, 40)}" (use train, val or test)` });
      continue;
    }
    const earlier = seen.get(file);
    if (earlier !== undefined) {
      problems.push({ path: `${file}:${line}`, reason: 'bad_row', message: `${where(line)}: the file was already listed on line ${earlier}; this row is ignored` });
      continue;
    }
    seen.set(file, line);
    entries.push({ path: file, className, split, line });
  }
  return { entries, problems };
}
