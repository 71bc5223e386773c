// CSV writing and portable names for dataset exports: what a spreadsheet, Python's csv module
// and the studio's own importer read back, and names every desktop file system accepts.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../electron/dataset/csv.js';
import { restoreFormula } from '../../electron/dataset/csv-formula.js';
import { csvField, CsvFileWriter, csvRow } from '../../electron/export/dataset/csv-write.js';
import { NameAllocator, portableName } from '../../electron/export/dataset/names.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-csv-');
afterAll(() => tmp.cleanup());

describe('CSV fields', () => {
  it('quotes only what needs quoting and doubles quotes', () => {
    expect(csvField('plain/path.jpg')).toBe('plain/path.jpg');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(' padded ')).toBe('" padded "');
    expect(csvField(null)).toBe('');
    expect(csvField(0.25)).toBe('0.25');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvRow(['a', 1, null])).toBe('a,1,\r\n');
  });

  it('round-trips awkward values through the studio CSV reader', () => {
    const rows = [
      ['path', 'label', 'split', 'hash'],
      ['/photos/ant photos.jpg', 'ants', 'train', 'ab'],
      ['/photos/comma, "quoted" and\nnewline.jpg', 'bees, mostly', '', 'cd'],
      ['/photos/蜂 über.jpg', '  spaced  ', 'val', ''],
      ['=1+1', '"', 'test', '""'],
    ];
    const text = rows.map(csvRow).join('');
    // A formula-looking cell is written with an apostrophe; the studio's import takes it off.
    expect(text).toContain("'=1+1");
    expect(parseCsv(text).map((r) => r.fields.map(restoreFormula))).toEqual(rows);
  });

  it('streams rows to a new file and refuses to replace one', async () => {
    const file = path.join(tmp.dir, 'out.csv');
    const writer = new CsvFileWriter(file, ['a', 'b']);
    for (let i = 0; i < 2000; i++) await writer.write([`row ${i}`, i % 2 ? 'x,y' : null]);
    await writer.close();
    expect(writer.rows).toBe(2000);
    const parsed = parseCsv(fs.readFileSync(file, 'utf8'));
    expect(parsed).toHaveLength(2001);
    expect(parsed[2]!.fields).toEqual(['row 1', 'x,y']);
    const again = new CsvFileWriter(file, ['a']);
    await expect(again.write(['x']).then(() => again.close())).rejects.toThrow(/EEXIST/);
  });
});

describe('portable names', () => {
  it('replaces what Windows refuses, keeps what it accepts', () => {
    expect(portableName('ant photos.jpg', 'x')).toBe('ant photos.jpg');
    expect(portableName('F.pergan.28(f).jpg', 'x')).toBe('F.pergan.28(f).jpg');
    expect(portableName('a:b*c?d"e<f>g|h\\i/j.jpg', 'x')).toBe('a_b_c_d_e_f_g_h_i_j.jpg');
    expect(portableName('line\nbreak\u0000.jpg', 'x')).toBe('line_break_.jpg');
    expect(portableName('trailing dots...', 'x')).toBe('trailing dots');
    expect(portableName('蜂 über.jpg', 'x')).toBe('蜂 über.jpg');
  });

  it('never gives an empty, dot or device name', () => {
    expect(portableName('', 'class')).toBe('class');
    expect(portableName('..', 'class')).toBe('class');
    expect(portableName('. ', 'class')).toBe('class');
    expect(portableName('CON', 'x')).toBe('_CON');
    expect(portableName('nul.txt', 'x')).toBe('_nul.txt');
    expect(portableName('com1.jpg', 'x')).toBe('_com1.jpg');
    expect(portableName('console.jpg', 'x')).toBe('console.jpg');
  });

  it('shortens long names to 200 bytes, keeping the extension and whole characters', () => {
    const long = portableName(`${'蜂'.repeat(100)}.jpeg`, 'x');
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(200);
    expect(long.endsWith('.jpeg')).toBe(true);
    expect(long).toMatch(/^蜂+\.jpeg$/);
  });

  it('tells apart names that a case-insensitive disk would merge, per folder', () => {
    const names = new NameAllocator();
    expect(names.allocate('ants', 'a.jpg', 'deadbeef')).toBe('a.jpg');
    expect(names.allocate('ants', 'A.JPG', 'deadbeef')).toBe('A~deadbeef.JPG');
    expect(names.allocate('ants', 'a.jpg', 'deadbeef')).toBe('a~deadbeef-2.jpg');
    expect(names.allocate('bees', 'a.jpg', 'deadbeef')).toBe('a.jpg');
    expect(names.allocate('', 'Wasps_')).toBe('Wasps_');
    expect(names.allocate('', 'wasps_')).toBe('wasps_~2');
    expect(names.allocate('', 'Wasps_')).toBe('Wasps_~3');
  });
});
