// Typed project settings, stored as one JSON value per key with defaults filled in on read.
import type { z } from 'zod';
import { Augmentation, Preprocessing, Settings, SplitPlan } from '../domain/schemas.js';
import type { Db } from './database.js';

// One augmented view per training image by default: on hymenoptera (MobileNetV2-0.35, seeds 42,
// 1, 7) held-out accuracy was the same with 0, 1 and 2 views (0.88-0.91, within a few images)
// while each view costs a decode and a forward pass; 1 keeps augmentation on at half the cost of
// 2. Small, varied datasets may want more (Augment screen).
// New projects resize with the studio's bilinear and decode without colour-profile conversion,
// both of which deployments reproduce exactly (issue 22; see createProject, which records it). A
// project without a recorded spec predates that and keeps sharp's Lanczos3 (LEGACY_PREPROCESSING),
// a recorded spec without colourProfile keeps converting to sRGB: their runs and cached
// embeddings stay valid.
export const DEFAULT_SETTINGS: Settings = {
  preprocessing: { inputSize: 224, resizeMode: 'center-crop', scaling: 'minus1to1', resampling: 'bilinear', colourProfile: 'ignore' },
  augmentation: { flipHorizontal: true, flipVertical: false, rotationDeg: 10, zoom: 0.1, brightness: 0.1, contrast: 0.1, saturation: 0, views: 1 },
  split: { train: 0.7, val: 0.15, test: 0.15, seed: 42 },
};

export const LEGACY_PREPROCESSING: Settings['preprocessing'] = { inputSize: 224, resizeMode: 'center-crop', scaling: 'minus1to1' };

const schemas: { [K in keyof Settings]: z.ZodType<Settings[K]> } = {
  preprocessing: Preprocessing,
  augmentation: Augmentation,
  split: SplitPlan,
};

function readKey<K extends keyof Settings>(db: Db, key: K): Settings[K] {
  const raw = db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
  if (raw === undefined) return key === 'preprocessing' ? (LEGACY_PREPROCESSING as Settings[K]) : DEFAULT_SETTINGS[key];
  try {
    const parsed = schemas[key].safeParse(JSON.parse(raw));
    // A value from an older schema that no longer fits falls back to the default, not a crash.
    return parsed.success ? parsed.data : DEFAULT_SETTINGS[key];
  } catch {
    return DEFAULT_SETTINGS[key];
  }
}

export function readSettings(db: Db): Settings {
  return { preprocessing: readKey(db, 'preprocessing'), augmentation: readKey(db, 'augmentation'), split: readKey(db, 'split') };
}

export function updateSettings(db: Db, patch: Partial<Settings>): Settings {
  const write = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  db.transaction(() => {
    for (const key of Object.keys(schemas) as Array<keyof Settings>) {
      const value = patch[key];
      if (value !== undefined) write.run(key, JSON.stringify(value));
    }
  })();
  return readSettings(db);
}

export function readMeta(db: Db, key: string): string | null {
  return (db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(`meta:${key}`) as string | undefined) ?? null;
}

export function writeMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(`meta:${key}`, value);
}
