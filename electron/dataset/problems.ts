// The reasons a file cannot be used, turned into messages a person can act on. Import never
// throws for one file: every failure below becomes a row of the import report.
import type { ProblemReason } from '../domain/schemas.js';

export class FileProblem extends Error {
  constructor(
    readonly reason: ProblemReason,
    message: string,
  ) {
    super(message);
    this.name = 'FileProblem';
  }
}

export interface ReportedProblem {
  path: string;
  reason: ProblemReason;
  message: string;
}

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

/** A file-system error while reaching or reading a file. */
export function fsProblem(error: unknown): FileProblem {
  const code = errnoOf(error);
  switch (code) {
    case 'ENOENT':
      // A name that is not valid UTF-8 reaches us with U+FFFD for its odd bytes: the file is
      // there, but no string path can name it.
      if (String((error as NodeJS.ErrnoException).path ?? '').includes('\ufffd')) {
        return new FileProblem('unreadable', 'the file name is not valid UTF-8, so it cannot be opened by that name; rename the file');
      }
      return new FileProblem('not_found', 'the file does not exist (anymore)');
    case 'EACCES':
    case 'EPERM':
      return new FileProblem('unreadable', 'permission denied: the file cannot be read');
    case 'ELOOP':
      return new FileProblem('symlink_loop', 'symbolic link loop: the link points back to itself');
    case 'EISDIR':
      return new FileProblem('unreadable', 'this is a folder, not a file');
    case 'EIO':
      return new FileProblem('unreadable', 'the disk reported an I/O error while reading the file');
    case 'ENAMETOOLONG':
      return new FileProblem('unreadable', 'the path is too long for the file system');
    default:
      return new FileProblem('unreadable', `the file cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`);
  }
}

/**
 * Whether the file ends the way its format ends, from its last bytes; null when the format
 * has no end marker worth checking. This decides "truncated" rather than libvips' message:
 * its error buffer is shared between threads, so with several decodes in flight a message
 * can be another file's, or "Unknown error".
 */
export function hasEndMarker(format: string, tail: Uint8Array): boolean | null {
  const last = (bytes: number[]) => {
    for (let i = tail.length - bytes.length; i >= 0; i--) if (bytes.every((b, k) => tail[i + k] === b)) return true;
    return false;
  };
  switch (format) {
    case 'jpeg':
      return last([0xff, 0xd9]);
    case 'png':
      return last([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
    case 'gif':
      return last([0x3b]);
    default:
      return null;
  }
}

/** A decoder (sharp/libvips) error for a file that did look like an image. */
export function decodeProblem(error: unknown, format: string, complete: boolean | null = null): FileProblem {
  const text = error instanceof Error ? error.message : String(error);
  const lower = text.toLowerCase();
  if (lower.includes('pixel limit')) return new FileProblem('too_many_pixels', `the image has more pixels than allowed (${text})`);
  const saysTruncated = /premature end|truncated|unexpected end|end of (file|stream|data)|not enough data|short read|out of data/.test(lower);
  if (complete === false || (complete === null && saysTruncated)) {
    return new FileProblem('truncated', `the ${format.toUpperCase()} data ends early: the file is truncated`);
  }
  if (lower.includes('unsupported image format')) return new FileProblem('unsupported_format', `the decoder does not support this file (${text})`);
  return new FileProblem('corrupt', `the ${format.toUpperCase()} data is corrupt and cannot be decoded (${text.split('\n')[0]})`);
}
