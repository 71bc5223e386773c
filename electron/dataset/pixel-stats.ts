// Statistics computed from the thumbnail's pixels while they are in memory anyway: a 64-bit
// difference hash (near duplicates), whether the image is grayscale, and the entropy of its
// luminance histogram (placeholders, renders on flat backgrounds and blank frames score low).

export interface RawPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

export interface PixelStats {
  /** 64-bit dHash as 16 hex digits: bit = "the cell to the right is brighter", 8 rows of 8. */
  dhash: string;
  grayscale: boolean;
  /** Shannon entropy of the 256-bin luminance histogram, in bits (0..8). */
  entropy: number;
}

/**
 * Mean |R-G| + |G-B| per pixel below which an RGB image counts as grayscale. JPEG chroma noise
 * of a grey photo stays well under 1; the most muted colour photos of the fixtures are above 3.
 */
export const GRAYSCALE_MAX_CHROMA = 2;

/** Cell c of n cells over `size` pixels: never empty, even for images narrower than the grid. */
function cellRange(c: number, n: number, size: number): [number, number] {
  const start = Math.min(size - 1, Math.floor((c * size) / n));
  const end = Math.max(start + 1, Math.floor(((c + 1) * size) / n));
  return [start, end];
}

const COLS = 9;
const ROWS = 8;

/** The hash bits from the 9 x 8 grid of mean luminances. */
function hashFromGrid(grid: Float64Array): string {
  let hex = '';
  for (let gy = 0; gy < ROWS; gy++) {
    let byte = 0;
    for (let gx = 0; gx < 8; gx++) byte = (byte << 1) | (grid[gy * COLS + gx]! < grid[gy * COLS + gx + 1]! ? 1 : 0);
    hex += byte.toString(16).padStart(2, '0');
  }
  return hex;
}

/** Integer luminance (ITU-R BT.601 weights in 8-bit fixed point) of pixel i. */
function lumaAt(data: Uint8Array, i: number, channels: number): number {
  return channels >= 3 ? (77 * data[i]! + 150 * data[i + 1]! + 29 * data[i + 2]!) >> 8 : data[i]!;
}

/** dHash for images smaller than the grid: cells overlap rather than go empty. */
function smallImageGrid(px: RawPixels): Float64Array {
  const grid = new Float64Array(COLS * ROWS);
  for (let gy = 0; gy < ROWS; gy++) {
    const [y0, y1] = cellRange(gy, ROWS, px.height);
    for (let gx = 0; gx < COLS; gx++) {
      const [x0, x1] = cellRange(gx, COLS, px.width);
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += lumaAt(px.data, (y * px.width + x) * px.channels, px.channels);
      grid[gy * COLS + gx] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return grid;
}

/** One pass over the pixels: it runs on the main thread for every imported image. */
export function pixelStats(px: RawPixels): PixelStats {
  const { data, width, height, channels } = px;
  const n = width * height;
  const bins = new Uint32Array(256);
  const sums = new Float64Array(COLS * ROWS);
  const counts = new Float64Array(COLS * ROWS);
  const colCell = new Int32Array(width);
  for (let x = 0; x < width; x++) colCell[x] = Math.floor((x * COLS) / width);
  let chroma = 0;
  for (let y = 0, i = 0; y < height; y++) {
    const rowBase = Math.floor((y * ROWS) / height) * COLS;
    for (let x = 0; x < width; x++, i += channels) {
      const luma = lumaAt(data, i, channels);
      bins[luma]!++;
      sums[rowBase + colCell[x]!]! += luma;
      counts[rowBase + colCell[x]!]!++;
      if (channels >= 3) chroma += Math.abs(data[i]! - data[i + 1]!) + Math.abs(data[i + 1]! - data[i + 2]!);
    }
  }
  let grid: Float64Array;
  if (width < COLS || height < ROWS) {
    grid = smallImageGrid(px);
  } else {
    grid = sums;
    for (let c = 0; c < grid.length; c++) grid[c] = sums[c]! / counts[c]!;
  }
  let entropy = 0;
  for (const count of bins) {
    if (count === 0) continue;
    const p = count / n;
    entropy -= p * Math.log2(p);
  }
  return { dhash: hashFromGrid(grid), grayscale: chroma / n < GRAYSCALE_MAX_CHROMA, entropy };
}

/** Hamming distance between two 16-hex-digit hashes. */
export function hammingDistance(a: string, b: string): number {
  return popcount32(parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16)) + popcount32(parseInt(a.slice(8), 16) ^ parseInt(b.slice(8), 16));
}

export function popcount32(x: number): number {
  let v = x >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
