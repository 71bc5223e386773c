// What a file is, from its first bytes, before anything is hashed or decoded: a text file
// named .png or a HEIC photo should be reported as such, not as a decoder's riddle.
import path from 'node:path';

/** Formats the import decodes (sharp's prebuilt libvips reads these). */
export const DECODABLE = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif'] as const;
export type DecodableFormat = (typeof DECODABLE)[number];

export type Sniffed =
  | { kind: 'image'; format: DecodableFormat }
  /** An image format we recognise but cannot decode here; `name` is for the message. */
  | { kind: 'unsupported'; name: string }
  | { kind: 'other'; looksLikeText: boolean };

/** How many leading bytes sniff() needs. */
export const SNIFF_BYTES = 512;

export const IMAGE_EXTENSIONS = new Set([
  '.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif',
  '.heic', '.heif', '.bmp', '.dib', '.psd', '.ico', '.svg', '.jxl', '.jp2', '.j2k',
]);

const ascii = (b: Uint8Array, start: number, end: number) => String.fromCharCode(...b.subarray(start, end));
const startsWith = (b: Uint8Array, bytes: number[]) => bytes.every((v, i) => b[i] === v);

function isoBmffBrand(b: Uint8Array): string | null {
  return b.length >= 12 && ascii(b, 4, 8) === 'ftyp' ? ascii(b, 8, 12) : null;
}

function looksLikeText(b: Uint8Array): boolean {
  if (b.length === 0) return false;
  for (const byte of b) {
    // Tabs, newlines and printable ASCII/UTF-8 bytes; a NUL or other control byte means binary.
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20) || byte === 0x7f) return false;
  }
  return true;
}

export function sniff(head: Uint8Array): Sniffed {
  const b = head.subarray(0, SNIFF_BYTES);
  if (startsWith(b, [0xff, 0xd8, 0xff])) return { kind: 'image', format: 'jpeg' };
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'image', format: 'png' };
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return { kind: 'image', format: 'gif' };
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return { kind: 'image', format: 'webp' };
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return { kind: 'image', format: 'tiff' };
  const brand = isoBmffBrand(b);
  if (brand === 'avif' || brand === 'avis') return { kind: 'image', format: 'avif' };
  if (brand && ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return { kind: 'unsupported', name: 'HEIC/HEIF' };
  if (startsWith(b, [0x42, 0x4d]) && b.length >= 14) return { kind: 'unsupported', name: 'BMP' };
  if (b.length >= 4 && ascii(b, 0, 4) === '8BPS') return { kind: 'unsupported', name: 'Photoshop (PSD)' };
  if (startsWith(b, [0x00, 0x00, 0x01, 0x00]) && b.length >= 6 && b[4]! > 0) return { kind: 'unsupported', name: 'icon (ICO)' };
  if (startsWith(b, [0xff, 0x0a]) || (b.length >= 12 && ascii(b, 4, 8) === 'JXL ')) return { kind: 'unsupported', name: 'JPEG XL' };
  if (b.length >= 12 && ascii(b, 4, 8) === 'jP  ') return { kind: 'unsupported', name: 'JPEG 2000' };
  const text = looksLikeText(b);
  if (text) {
    const start = new TextDecoder().decode(b).trimStart().toLowerCase();
    if (start.startsWith('<svg') || (start.startsWith('<?xml') && start.includes('<svg'))) return { kind: 'unsupported', name: 'SVG (vector graphics)' };
  }
  if (b.length >= 4 && ascii(b, 0, 4) === '%PDF') return { kind: 'unsupported', name: 'PDF' };
  return { kind: 'other', looksLikeText: text };
}

/** The report message for a file that is not something we can decode. */
export function describeNonImage(file: string, sniffed: Exclude<Sniffed, { kind: 'image' }>): { reason: 'not_image' | 'unsupported_format'; message: string } {
  if (sniffed.kind === 'unsupported') {
    return { reason: 'unsupported_format', message: `${sniffed.name} images are not supported; convert it to JPEG or PNG` };
  }
  const ext = path.extname(file).toLowerCase();
  const what = sniffed.looksLikeText ? 'it holds text' : 'its content is not a known image format';
  return IMAGE_EXTENSIONS.has(ext)
    ? { reason: 'not_image', message: `not an image despite its ${ext} extension: ${what}` }
    : { reason: 'not_image', message: `not an image file (${what})` };
}
