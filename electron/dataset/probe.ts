// Reads an image's header with sharp: format, size, channels, orientation. The header is
// enough to refuse a decompression bomb (a few KB that claim 30000 x 30000 pixels) before
// any pixel is decoded.
import sharp, { type Metadata } from 'sharp';
import { FileProblem, decodeProblem } from './problems.js';
import { DECODABLE } from './sniff.js';

/** Images above this many pixels are refused before decoding (about 12k x 8k), as the engine does. */
export const PIXEL_LIMIT = 100_000_000;

export interface Probe {
  format: string;
  /** Display size, after EXIF orientation. */
  width: number;
  height: number;
  channels: number;
  /** EXIF orientation 1..8 (1 when absent). */
  orientation: number;
  pages: number;
}

// sharp names AVIF 'heif'; everything else keeps its name.
const canonical = (format: string) => (format === 'heif' ? 'avif' : format);

/**
 * `sniffed` is the format the first bytes claimed and `complete` whether the file ends with
 * that format's end marker (see hasEndMarker): both classify a failure without relying on
 * the decoder's message.
 */
export async function probeImage(file: string | Buffer, options: { pixelLimit?: number; sniffed?: string; complete?: boolean | null } = {}): Promise<Probe> {
  const pixelLimit = options.pixelLimit ?? PIXEL_LIMIT;
  let meta: Metadata;
  try {
    // The header only: no decode happens here, so the pixel limit can be checked by us.
    meta = await sharp(file, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw decodeProblem(error, options.sniffed ?? 'image', options.complete ?? null);
  }
  const format = canonical(meta.format ?? 'unknown');
  if (!(DECODABLE as readonly string[]).includes(format)) {
    throw new FileProblem('unsupported_format', `${format.toUpperCase()} images are not supported; convert it to JPEG or PNG`);
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new FileProblem('corrupt', 'the image header gives no width or height');
  if (width * height > pixelLimit) {
    throw new FileProblem(
      'too_many_pixels',
      `${width} x ${height} = ${Math.round((width * height) / 1e6)} megapixels is over the ${Math.round(pixelLimit / 1e6)} MP limit (possible decompression bomb); not decoded`,
    );
  }
  return { format, width, height, channels: meta.channels ?? 3, orientation: meta.orientation ?? 1, pages: meta.pages ?? 1 };
}
