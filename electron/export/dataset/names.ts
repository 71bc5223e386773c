// File and folder names that survive every desktop file system: characters Windows refuses are
// replaced, reserved device names are prefixed, trailing dots and spaces are dropped, long names
// are shortened (keeping the extension), and two names that a case-insensitive disk would treat
// as one are told apart with a suffix.
import path from 'node:path';

const FORBIDDEN = /[\u0000-\u001f\u007f<>:"/\\|?*]/g;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
/** Bytes, leaving room for a disambiguating suffix under the common 255-byte limit. */
const MAX_BYTES = 200;

function truncateBytes(text: string, max: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > max) break;
    out += ch;
    bytes += size;
  }
  return out;
}

/** A single path segment made portable; `fallback` when nothing usable is left. */
export function portableName(name: string, fallback: string): string {
  let clean = name.normalize('NFC').replace(FORBIDDEN, '_').replace(/[. ]+$/, '').trim();
  if (clean === '' || clean === '.' || clean === '..') clean = fallback;
  if (RESERVED.test(clean)) clean = `_${clean}`;
  if (Buffer.byteLength(clean) > MAX_BYTES) {
    const ext = path.extname(clean);
    const keep = ext.length <= 16 ? ext : '';
    clean = truncateBytes(clean.slice(0, clean.length - keep.length), MAX_BYTES - Buffer.byteLength(keep)).replace(/[. ]+$/, '') + keep;
  }
  return clean;
}

/** Hands out distinct names per folder, comparing as a case-insensitive file system would. */
export class NameAllocator {
  private readonly used = new Map<string, Set<string>>();

  /** `wanted` if free in `folder`, else `stem~tag.ext` (then `stem~tag-2.ext`, ...), or `stem~2.ext` without a tag. */
  allocate(folder: string, wanted: string, tag?: string): string {
    let taken = this.used.get(folder);
    if (!taken) this.used.set(folder, (taken = new Set()));
    const ext = path.extname(wanted);
    const stem = wanted.slice(0, wanted.length - ext.length);
    let name = wanted;
    for (let n = 1; taken.has(name.toLowerCase()); n++) name = tag ? `${stem}~${tag}${n > 1 ? `-${n}` : ''}${ext}` : `${stem}~${n + 1}${ext}`;
    taken.add(name.toLowerCase());
    return name;
  }
}
