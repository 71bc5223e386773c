// Every reply across a transport is a Result: handlers throw StudioError, transports never
// throw at the caller's boundary, and the client turns error results back into StudioError.
import { z } from 'zod';

export const ErrorCode = z.enum([
  'invalid_payload',
  'unknown_channel',
  'unauthorized',
  'no_project',
  'not_found',
  'conflict',
  'io_error',
  /** The project's database is damaged, emptied or not the project's own. */
  'corrupt',
  /** The disk or file cannot be written to (read-only medium or permissions). */
  'read_only',
  /** The disk is full. */
  'disk_full',
  'cancelled',
  /** The transport cannot do this (a native dialog in serve mode): offer another way. */
  'unsupported',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorInfo = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Where the payload was wrong, for invalid_payload: "imageIds.3: expected number". */
  issues: z.array(z.string()).optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export const ResultEnvelope = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorInfo }),
]);

export class StudioError extends Error {
  readonly code: ErrorCode;
  readonly issues: string[] | undefined;
  constructor(code: ErrorCode, message: string, issues?: string[]) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
    this.issues = issues;
  }
  toInfo(): ErrorInfo {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string, issues?: string[]): Result<never> {
  return { ok: false, error: issues ? { code, message, issues } : { code, message } };
}
