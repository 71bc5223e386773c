// "Try a sample": a small labeled project made from the photos that ship with the studio
// (resources/sample: 8 photos of each of 5 flower classes, CC BY 2.0, credits beside them), so a
// newcomer can train, evaluate and export within a minute on a machine that has never been
// online. The photos are copied to a folder the user can find (the user data folder's Samples),
// with the credits, and imported from there like any class-per-folder dataset.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../domain/result.js';
import { resourcePath } from '../resources-dir.js';

export const SAMPLE_NAME = 'Flowers sample';

export function sampleSource(): { photos: string; credits: string } {
  return { photos: resourcePath('sample', 'flowers'), credits: resourcePath('sample', 'CREDITS.txt') };
}

/** A fresh folder under `root` (Flowers sample, Flowers sample 2, …): a sample never overwrites one. */
export function nextSampleDir(root: string): string {
  for (let n = 1; ; n++) {
    const dir = path.join(root, n === 1 ? SAMPLE_NAME : `${SAMPLE_NAME} ${n}`);
    if (!fs.existsSync(dir)) return dir;
  }
}

export interface SampleLayout {
  /** The sample's folder: photos/, project/ and CREDITS.txt. */
  dir: string;
  photos: string;
  project: string;
  images: number;
}

/** Copies the shipped photos and their credits into a new sample folder under `root`. */
export function copySample(root: string): SampleLayout {
  const source = sampleSource();
  if (!fs.existsSync(source.photos)) throw new StudioError('not_found', `The sample photos are missing from this installation (${source.photos}). Reinstall the studio.`);
  const dir = nextSampleDir(root);
  const photos = path.join(dir, 'photos');
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.cpSync(source.photos, photos, { recursive: true });
    fs.copyFileSync(source.credits, path.join(dir, 'CREDITS.txt'));
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new StudioError('io_error', `Could not copy the sample photos to ${dir}: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Shipped files may be read-only (a packaged app, a read-only checkout): the copies are the user's.
  const files = fs.readdirSync(photos, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  for (const f of files) fs.chmodSync(path.join(f.parentPath, f.name), 0o644);
  return { dir, photos, project: path.join(dir, 'project'), images: files.length };
}
