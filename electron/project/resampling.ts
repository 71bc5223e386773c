// Moving a project recorded before issue 22 (sharp's Lanczos3 resize, or bilinear with colour
// profiles converted to sRGB) to new projects' spec, bilinear with colour profiles ignored, that
// deployments reproduce byte for byte. An explicit, confirmed user action, never a silent migration: the
// embedding cache is keyed by the spec's hash, so from now on no cached vector of the old spec
// matches and the next train embeds every photo again. Past runs keep the spec they recorded
// (runs.config.preprocessing) and their cached vectors, which their label checks still read.
import type { ColourProfile, Resampling, Settings } from '../domain/schemas.js';
import type { Db } from './database.js';
import { readSettings, updateSettings } from './settings.js';

export interface ResamplingPreview {
  /** The project's kernel now. */
  previous: Resampling;
  /** The project's colour-profile rule now. */
  previousColourProfile: ColourProfile;
  /** False when the project already uses 'bilinear' with colour profiles ignored (nothing to do). */
  changed: boolean;
  /** Photos the next train embeds again (the project's images). */
  imagesToEmbed: number;
  /** Cached vectors kept for past runs (no longer matched by the project's spec). */
  cachedVectorsKept: number;
}

export interface ResamplingSwitch extends ResamplingPreview {
  settings: Settings;
}

/** What switching would do, without doing it (for the confirmation). */
export function previewBilinearSwitch(db: Db): ResamplingPreview {
  const { preprocessing } = readSettings(db);
  const previous = preprocessing.resampling ?? 'lanczos3';
  const previousColourProfile = preprocessing.colourProfile ?? 'convert';
  const changed = previous !== 'bilinear' || previousColourProfile !== 'ignore';
  return {
    previous,
    previousColourProfile,
    changed,
    imagesToEmbed: changed ? (db.prepare('SELECT count(*) FROM images').pluck().get() as number) : 0,
    cachedVectorsKept: db.prepare('SELECT count(*) FROM embeddings').pluck().get() as number,
  };
}

export function switchToBilinear(db: Db): ResamplingSwitch {
  const preview = previewBilinearSwitch(db);
  if (!preview.changed) return { ...preview, settings: readSettings(db) };
  const { preprocessing } = readSettings(db);
  const settings = updateSettings(db, { preprocessing: { ...preprocessing, resampling: 'bilinear', colourProfile: 'ignore' } });
  return { ...preview, settings };
}
