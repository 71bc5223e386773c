// The small rules of dataset curation, each against cases it must tell apart.
import { describe, expect, it } from 'vitest';
import { csvEntries, parseCsv } from '../../electron/dataset/csv.js';
import { describeLayout, hintsFor } from '../../electron/dataset/layout.js';
import { groupByDhash } from '../../electron/dataset/near-duplicates.js';
import { hammingDistance, pixelStats } from '../../electron/dataset/pixel-stats.js';
import { fsProblem, hasEndMarker } from '../../electron/dataset/problems.js';
import { describeNonImage, sniff } from '../../electron/dataset/sniff.js';

const errno = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });

describe('file-system errors', () => {
  it('names each one a person can act on', () => {
    // Tests run as root, who can read a chmod-000 file: EACCES is injected here instead.
    expect(fsProblem(errno('EACCES'))).toMatchObject({ reason: 'unreadable', message: expect.stringContaining('permission denied') });
    expect(fsProblem(errno('EPERM')).reason).toBe('unreadable');
    expect(fsProblem(errno('ELOOP')).reason).toBe('symlink_loop');
    expect(fsProblem(errno('ENOENT')).reason).toBe('not_found');
    expect(fsProblem(errno('EIO'))).toMatchObject({ reason: 'unreadable', message: expect.stringContaining('I/O error') });
  });
});

describe('layout hints', () => {
  it('reads split/class, class and flat places, splits in any spelling and case', () => {
    expect(hintsFor('train/ants/a.jpg')).toEqual({ split: 'train', className: 'ants' });
    expect(hintsFor('Validation/bees/deeper/b.jpg')).toEqual({ split: 'val', className: 'bees' });
    expect(hintsFor('VALID/bees/b.jpg')).toEqual({ split: 'val', className: 'bees' });
    expect(hintsFor('test/c.jpg')).toEqual({ split: 'test', className: null });
    expect(hintsFor('wasps/nest/c.jpg')).toEqual({ split: null, className: 'wasps' });
    expect(hintsFor('c.jpg')).toEqual({ split: null, className: null });
    expect(hintsFor('odd\nname/c.jpg')).toEqual({ split: null, className: 'odd name' });
  });

  it('describes what the hints add up to, ignoring loose files at the top', () => {
    expect(describeLayout([hintsFor('train/a/x.jpg'), hintsFor('val/b/y.jpg'), hintsFor('README')])).toBe('split/class');
    expect(describeLayout([hintsFor('a/x.jpg'), hintsFor('b/y.jpg')])).toBe('class');
    expect(describeLayout([hintsFor('x.jpg')])).toBe('flat');
    expect(describeLayout([hintsFor('train/a/x.jpg'), hintsFor('b/y.jpg')])).toBe('mixed');
  });
});

describe('CSV', () => {
  it('parses RFC 4180: quotes, doubled quotes, newlines in quotes, CRLF, a BOM', () => {
    const rows = parseCsv('\ufeffpath,label\r\n"a, b.jpg","say ""hi"""\r\n"two\nlines.jpg",x\n\nlast.jpg,y');
    expect(rows.map((r) => r.fields)).toEqual([
      ['path', 'label'],
      ['a, b.jpg', 'say "hi"'],
      ['two\nlines.jpg', 'x'],
      ['last.jpg', 'y'],
    ]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 6]);
  });

  it('maps header columns by name and reports rows it cannot use', () => {
    const reordered = csvEntries('/data/list.csv', 'split,file,class\ntrain,a.jpg,cat\n');
    expect(reordered.entries).toEqual([{ path: '/data/a.jpg', className: 'cat', split: 'train', line: 2 }]);
    // No header: path, label, split by position.
    expect(csvEntries('/data/list.csv', 'b.jpg,dog\n').entries).toEqual([{ path: '/data/b.jpg', className: 'dog', split: null, line: 1 }]);
    const named = csvEntries('/data/list.csv', 'file,class,split\na.jpg,cat,train\nb.jpg,dog,bogus\n/abs/c.jpg,,test\n,cat,val\nsub/../a.jpg,dog,\n');
    expect(named.entries).toEqual([
      { path: '/data/a.jpg', className: 'cat', split: 'train', line: 2 },
      { path: '/abs/c.jpg', className: null, split: 'test', line: 4 },
    ]);
    expect(named.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('line 3: unknown split "bogus"'),
      expect.stringContaining('line 5: no path'),
      expect.stringContaining('line 6: the file was already listed on line 2'),
    ]);
  });
});

describe('sniffing', () => {
  const bytes = (...b: number[]) => Uint8Array.from(b);
  const text = (s: string) => new TextEncoder().encode(s);
  it('tells images, known-but-unsupported formats and non-images apart by content', () => {
    expect(sniff(bytes(0xff, 0xd8, 0xff, 0xe0))).toEqual({ kind: 'image', format: 'jpeg' });
    expect(sniff(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toEqual({ kind: 'image', format: 'png' });
    expect(sniff(text('GIF89a....'))).toEqual({ kind: 'image', format: 'gif' });
    expect(sniff(text('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '))).toEqual({ kind: 'image', format: 'webp' });
    expect(sniff(text('\u0000\u0000\u0000\u001cftypavif'))).toEqual({ kind: 'image', format: 'avif' });
    expect(sniff(text('\u0000\u0000\u0000\u0018ftypheic'))).toMatchObject({ kind: 'unsupported', name: 'HEIC/HEIF' });
    expect(sniff(text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'))).toMatchObject({ kind: 'unsupported' });
    const notes = sniff(text('hello, world'));
    expect(notes).toEqual({ kind: 'other', looksLikeText: true });
    if (notes.kind === 'other') {
      expect(describeNonImage('/x/notes.png', notes).message).toMatch(/despite its \.png extension.*text/);
      expect(describeNonImage('/x/README', notes).message).toMatch(/^not an image file/);
    }
  });

  it('knows whether a file ends with its format end marker', () => {
    expect(hasEndMarker('jpeg', bytes(1, 2, 0xff, 0xd9))).toBe(true);
    expect(hasEndMarker('jpeg', bytes(0xff, 0xd9, 0, 0, 0))).toBe(true);
    expect(hasEndMarker('jpeg', bytes(0xff, 0xd8, 0x12))).toBe(false);
    expect(hasEndMarker('png', Buffer.concat([Buffer.from('..IEND'), bytes(0xae, 0x42, 0x60, 0x82)]))).toBe(true);
    expect(hasEndMarker('png', Buffer.from('..IDAT....'))).toBe(false);
    expect(hasEndMarker('webp', bytes(1))).toBeNull();
  });
});

describe('pixel statistics', () => {
  const image = (width: number, height: number, channels: number, at: (x: number, y: number, c: number) => number) => {
    const data = new Uint8Array(width * height * channels);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = at(x, y, c);
    return { data, width, height, channels };
  };

  it('hashes a left-to-right brightening gradient to all ones and its mirror to all zeros', () => {
    expect(pixelStats(image(90, 80, 3, (x) => x * 2)).dhash).toBe('ffffffffffffffff');
    expect(pixelStats(image(90, 80, 3, (x) => 200 - x * 2)).dhash).toBe('0000000000000000');
    expect(pixelStats(image(4, 3, 1, (x) => x * 60)).dhash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('finds grayscale and flat images', () => {
    const flat = pixelStats(image(50, 50, 3, () => 128));
    expect(flat).toMatchObject({ grayscale: true, entropy: 0 });
    const colour = pixelStats(image(64, 64, 3, (x, y, c) => (c === 0 ? x * 4 : c === 1 ? y * 4 : 255 - x * 2)));
    expect(colour.grayscale).toBe(false);
    expect(colour.entropy).toBeGreaterThan(5);
    expect(pixelStats(image(64, 64, 1, (x, y) => (x * y) % 256)).grayscale).toBe(true);
  });
});

describe('near-duplicate grouping', () => {
  it('finds exactly the pairs within the distance that a brute-force search finds', () => {
    let seed = 7;
    const rand32 = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed;
    };
    const hex = (hi: number, lo: number) => hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
    const images: Array<{ id: number; dhash: string }> = [];
    for (let id = 1; id <= 600; id++) {
      // Every third image is a variant of an earlier one with a few bits flipped.
      const base = id % 3 === 0 ? images[Math.floor(rand32() % images.length)]!.dhash : hex(rand32(), rand32());
      let hi = parseInt(base.slice(0, 8), 16);
      let lo = parseInt(base.slice(8), 16);
      if (id % 3 === 0) for (let k = 0; k < rand32() % 9; k++) (k % 2 ? (hi ^= 1 << rand32() % 32) : (lo ^= 1 << rand32() % 32));
      images.push({ id, dhash: hex(hi >>> 0, lo >>> 0) });
    }
    const groups = groupByDhash(images, 5);
    const together = (a: number, b: number) => groups.some((g) => g.imageIds.includes(a) && g.imageIds.includes(b));
    let pairs = 0;
    for (let a = 0; a < images.length; a++) {
      for (let b = a + 1; b < images.length; b++) {
        if (hammingDistance(images[a]!.dhash, images[b]!.dhash) <= 5) {
          pairs++;
          expect(together(images[a]!.id, images[b]!.id)).toBe(true);
        }
      }
    }
    expect(pairs).toBeGreaterThan(50);
    // And nothing is grouped that is not linked by a chain of close pairs.
    for (const g of groups) {
      for (const id of g.imageIds) {
        const me = images[id - 1]!.dhash;
        expect(g.imageIds.some((other) => other !== id && hammingDistance(me, images[other - 1]!.dhash) <= 5)).toBe(true);
      }
    }
  });

  it('folds identical hashes before comparing (a thousand blank frames are one group)', () => {
    const blank = Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, dhash: '0000000000000000' }));
    const groups = groupByDhash([...blank, { id: 5000, dhash: 'ffffffffffffffff' }]);
    expect(groups).toEqual([{ imageIds: blank.map((b) => b.id), distance: 0 }]);
  });
});
