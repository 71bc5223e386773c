// Where resources/ (backbone catalogue, icons) is: beside the sources in development, beside
// dist/ in a build, inside app.asar in a packaged app. Each is the first ancestor of the
// running file that holds resources/backbones.json, so the same code finds it from
// electron/engine/backbones/*.ts, from a bundled dist/electron/*.js and from the archive.
// STUDIO_RESOURCES points elsewhere.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MARKER = path.join('resources', 'backbones.json');

export function findResourcesDir(from: string): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, MARKER))) return path.join(dir, 'resources');
    if (path.dirname(dir) === dir) return null;
  }
}

let found: string | null = null;

export function resourcesDir(): string {
  if (process.env.STUDIO_RESOURCES) return path.resolve(process.env.STUDIO_RESOURCES);
  found ??= findResourcesDir(path.dirname(fileURLToPath(import.meta.url)));
  if (!found) throw new Error(`The studio's resources folder (${MARKER}) was not found above ${fileURLToPath(import.meta.url)}.`);
  return found;
}

export function resourcePath(...parts: string[]): string {
  return path.join(resourcesDir(), ...parts);
}
