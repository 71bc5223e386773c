// Writing CSV (RFC 4180): a field is quoted when it holds a comma, a quote, a line break or
// leading/trailing spaces, quotes inside are doubled, rows end in CRLF. The studio's own CSV
// import (dataset/csv.ts) reads these files back unchanged. Text that a spreadsheet would run
// as a formula is neutralised (dataset/csv-formula.ts); numbers are written as numbers.
import fs from 'node:fs';
import { once } from 'node:events';
import { neutraliseFormula } from '../../dataset/csv-formula.js';

export type CsvValue = string | number | null | undefined;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : neutraliseFormula(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** Streams rows to a file, waiting when the disk is slower than the rows come. */
export class CsvFileWriter {
  private readonly stream: fs.WriteStream;
  private failure: Error | null = null;
  rows = 0;

  constructor(file: string, header: readonly string[]) {
    this.stream = fs.createWriteStream(file, { flags: 'wx' });
    this.stream.on('error', (error) => (this.failure = error));
    this.stream.write(csvRow(header));
  }

  async write(values: readonly CsvValue[]): Promise<void> {
    if (this.failure) throw this.failure;
    this.rows++;
    // once() rejects if the stream fails while waiting.
    if (!this.stream.write(csvRow(values))) await once(this.stream, 'drain');
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    if (this.failure) throw this.failure;
    this.stream.end();
    await once(this.stream, 'finish');
    if (this.failure) throw this.failure;
  }

  /** After a failure elsewhere: releases the file handle without waiting for the rows. */
  abort(): void {
    this.stream.destroy();
  }
}
