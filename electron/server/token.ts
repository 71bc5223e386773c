// The per-launch token that guards serve mode, compared in constant time.
import { timingSafeEqual } from 'node:crypto';

export function sameToken(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
