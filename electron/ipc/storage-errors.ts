// Errors of the disk rather than of the studio: a read-only disk or file, a full disk, an I/O
// error. They reach us as Node errno codes or SQLite result codes; either way the person needs
// the same answer (a code a script can test and a hint), never "internal".
import { StudioError, type ErrorCode } from '../domain/result.js';

type StorageCode = Extract<ErrorCode, 'read_only' | 'disk_full' | 'io_error'>;

export const STORAGE_HINTS: Record<StorageCode, string> = {
  read_only: 'The project or the target is read-only: check its permissions, or that the disk is not mounted read-only.',
  disk_full: 'The disk is full: free some space, then try again.',
  io_error: 'The disk reported an error: check that it is connected and healthy.',
};

/** The storage kind of an error, or null when it is not one. */
export function storageErrorCode(error: unknown): StorageCode | null {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code.startsWith('SQLITE_READONLY') || /readonly database|read-only file system|\b(EROFS|EACCES|EPERM)\b/i.test(message)) return 'read_only';
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL' || /database or disk is full|no space left on device|\b(ENOSPC|EDQUOT)\b/i.test(message)) return 'disk_full';
  if (code === 'EIO' || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || /disk I\/O error|\bEIO\b/.test(message)) return 'io_error';
  return null;
}

/** A StudioError with the storage code and its hint, or null when the error is not one. */
export function storageError(error: unknown): StudioError | null {
  if (error instanceof StudioError) return null;
  const code = storageErrorCode(error);
  if (!code) return null;
  const message = error instanceof Error ? error.message : String(error);
  return new StudioError(code, `${message.replace(/\.?$/, '.')} ${STORAGE_HINTS[code]}`);
}
