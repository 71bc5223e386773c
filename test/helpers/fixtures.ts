// Real photos and weights live in ../shared/fixtures (or $STUDIO_FIXTURES), read in place and
// never copied. Where absent (a user's clone) tests skip with a visible reason; CI has them,
// so there their absence is an error rather than a silent skip.
import fs from 'node:fs';
import path from 'node:path';

export const FIXTURES_DIR = path.resolve(process.env.STUDIO_FIXTURES ?? path.join(import.meta.dirname, '../../../shared/fixtures'));

export function fixturesUnavailable(): string | null {
  if (fs.existsSync(path.join(FIXTURES_DIR, 'README.md'))) return null;
  const reason = `fixtures not found at ${FIXTURES_DIR} (set STUDIO_FIXTURES)`;
  if (process.env.CI) throw new Error(`${reason}; CI must have them.`);
  console.warn(`[fixtures] skipped: ${reason}`);
  return reason;
}

export const fixture = (...parts: string[]) => path.join(FIXTURES_DIR, ...parts);
