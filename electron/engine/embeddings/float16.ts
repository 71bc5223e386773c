// IEEE 754 half precision, for halving the embedding cache. Embeddings after ReLU6 and pooling
// sit in [0, 6]; half precision keeps about 3 significant digits there, far below the noise a
// classifier head cares about.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function toFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i]!;
    const x = u32[0]!;
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    let e = exp - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
    } else if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
      } else {
        mant = (mant | 0x800000) >>> (1 - e);
        // round to nearest even
        if (mant & 0x1000 && mant & 0x2fff) mant += 0x2000;
        out[i] = sign | (mant >>> 13);
      }
    } else {
      if (mant & 0x1000 && mant & 0x2fff) {
        mant += 0x2000;
        if (mant & 0x800000) {
          mant = 0;
          e += 1;
        }
      }
      out[i] = e >= 0x1f ? sign | 0x7c00 : sign | (e << 10) | (mant >>> 13);
    }
  }
  return out;
}

const TABLE = (() => {
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    table[h] =
      exp === 0 ? sign * 2 ** -14 * (mant / 1024) : exp === 0x1f ? (mant ? NaN : sign * Infinity) : sign * 2 ** (exp - 15) * (1 + mant / 1024);
  }
  return table;
})();

export function fromFloat16(halves: Uint16Array, out: Float32Array = new Float32Array(halves.length), offset = 0): Float32Array {
  for (let i = 0; i < halves.length; i++) out[offset + i] = TABLE[halves[i]!]!;
  return out;
}
