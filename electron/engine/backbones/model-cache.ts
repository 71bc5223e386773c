// Where backbones live once downloaded or imported: one folder per backbone id holding the
// TF.js files and an install record. A folder appears under its id only by an atomic rename of
// a complete, verified install, so whatever is there loads.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { BackboneSpec } from './catalogue.js';

export const INSTALL_RECORD = 'backbone.json';

export const InstallRecord = z.object({
  spec: BackboneSpec,
  /** sha256 of every file of the model, relative path → hex digest. */
  files: z.record(z.string(), z.string()),
  source: z.string(),
  installedAt: z.string(),
});
export type InstallRecord = z.infer<typeof InstallRecord>;

export function modelCacheDir(): string {
  if (process.env.STUDIO_MODEL_CACHE) return path.resolve(process.env.STUDIO_MODEL_CACHE);
  const base = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(base, 'transfer-studio', 'backbones');
}

export function installedDir(id: string, cache = modelCacheDir()): string {
  return path.join(cache, id);
}

export function partialDir(id: string, cache = modelCacheDir()): string {
  return path.join(cache, '.partial', id);
}

export function readInstall(id: string, cache = modelCacheDir()): InstallRecord | null {
  try {
    return InstallRecord.parse(JSON.parse(fs.readFileSync(path.join(installedDir(id, cache), INSTALL_RECORD), 'utf8')));
  } catch {
    return null;
  }
}

export type BackboneState = 'installed' | 'partial' | 'missing';

export function backboneState(id: string, cache = modelCacheDir()): BackboneState {
  if (readInstall(id, cache)) return 'installed';
  return fs.existsSync(partialDir(id, cache)) ? 'partial' : 'missing';
}

export function listInstalled(cache = modelCacheDir()): InstallRecord[] {
  if (!fs.existsSync(cache)) return [];
  return fs
    .readdirSync(cache)
    .filter((name) => !name.startsWith('.'))
    .map((name) => readInstall(name, cache))
    .filter((r): r is InstallRecord => r !== null);
}

/** Moves a complete staging folder into place under its id, replacing nothing silently. */
export function commitInstall(staging: string, record: InstallRecord, cache = modelCacheDir()): string {
  fs.writeFileSync(path.join(staging, INSTALL_RECORD), JSON.stringify(record, null, 2));
  const target = installedDir(record.spec.id, cache);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (fs.existsSync(target)) {
    // A broken leftover (no install record) may be replaced; a good install is kept.
    if (readInstall(record.spec.id, cache)) {
      fs.rmSync(staging, { recursive: true, force: true });
      return target;
    }
    fs.rmSync(target, { recursive: true, force: true });
  }
  fs.renameSync(staging, target);
  return target;
}

/** One sha256 for an installed backbone: over its files' digests, as a SHA256SUMS listing. */
export function installDigest(record: InstallRecord): string {
  const listing = Object.entries(record.files)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([file, sha]) => `${sha}  ${file}\n`)
    .join('');
  return createHash('sha256').update(listing).digest('hex');
}
