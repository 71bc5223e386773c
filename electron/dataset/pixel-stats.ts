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

function luminance(px: RawPixels): Float32Array {
  const { data, width, height, channels } = px;
  const out = new Float32Array(width * height);
  if (channels >= 3) {
    for (let i = 0, p = 0; p < out.length; i += channels, p++) out[p] = 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
  } else {
    for (let i = 0, p = 0; p < out.length; i += channels, p++) out[p] = data[i]!;
  }
  return out;
}

/** Cell c of n cells over `size` pixels: never empty, even for images narrower than the grid. */
function cellRange(c: number, n: number, size: number): [number, number] {
  const start = Math.min(size - 1, Math.floor((c * size) / n));
  const end = Math.max(start + 1, Math.floor(((c + 1) * size) / n));
  return [start, end];
}

export function differenceHash(lum: Float32Array, width: number, height: number): string {
  const cols = 9;
  const rows = 8;
  const grid = new Float64Array(cols * rows);
  for (let gy = 0; gy < rows; gy++) {
    const [y0, y1] = cellRange(gy, rows, height);
    for (let gx = 0; gx < cols; gx++) {
      const [x0, x1] = cellRange(gx, cols, width);
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += lum[y * width + x]!;
      grid[gy * cols + gx] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  let hex = '';
  for (let gy = 0; gy < rows; gy++) {
    let byte = 0;
    for (let gx = 0; gx < 8; gx++) byte = (byte << 1) | (grid[gy * cols + gx]! < grid[gy * cols + gx + 1]! ? 1 : 0);
    hex += byte.toString(16).padStart(2, '0');
  }
  return hex;
}

function chroma(px: RawPixels): number {
  if (px.channels < 3) return 0;
  const { data, channels } = px;
  let sum = 0;
  const n = px.width * px.height;
  for (let i = 0; i < n * channels; i += channels) sum += Math.abs(data[i]! - data[i + 1]!) + Math.abs(data[i + 1]! - data[i + 2]!);
  return sum / n;
}

function histogramEntropy(lum: Float32Array): number {
  const bins = new Uint32Array(256);
  for (const v of lum) bins[Math.min(255, Math.round(v))]!++;
  let entropy = 0;
  for (const count of bins) {
    if (count === 0) continue;
    const p = count / lum.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

export function pixelStats(px: RawPixels): PixelStats {
  const lum = luminance(px);
  return { dhash: differenceHash(lum, px.width, px.height), grayscale: chroma(px) < GRAYSCALE_MAX_CHROMA, entropy: histogramEntropy(lum) };
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
