// The backbone that ships with the studio (resources/backbones/…): on first use it is copied
// into the model cache, each file checked against the sha256 the catalogue records for the
// shipped copy, so training works on a machine that has never been online. A damaged shipped
// copy is refused by name rather than installed.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../domain/result.js';
import { resourcePath } from '../../resources-dir.js';
import { verifyModelFolder } from '../model-files.js';
import { findBackbone, type BackboneSpec } from './catalogue.js';
import { commitInstall, installedDir, modelCacheDir, partialDir, readInstall } from './model-cache.js';

export class ShippedBackboneError extends StudioError {
  constructor(message: string) {
    super('io_error', message);
  }
}

export function shippedFolder(spec: BackboneSpec): string | null {
  return spec.shipped ? resourcePath(spec.shipped.folder) : null;
}

/** Copies and verifies the shipped copy into the cache (sync: 1.7 MB, once per machine). */
export function installShipped(spec: BackboneSpec, cache = modelCacheDir()): string {
  const source = shippedFolder(spec);
  if (!source || !spec.shipped) throw new ShippedBackboneError(`${spec.name} does not ship with the studio.`);
  if (readInstall(spec.id, cache)) return installedDir(spec.id, cache);
  const staging = `${partialDir(spec.id, cache)}-shipped-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  try {
    const files: Record<string, string> = {};
    for (const [relative, expected] of Object.entries(spec.shipped.sha256)) {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(path.join(source, relative));
      } catch (error) {
        throw new ShippedBackboneError(`The studio's copy of ${spec.name} is incomplete (${relative}: ${(error as Error).message}). Reinstall the studio, or download or import the backbone.`);
      }
      const sha = createHash('sha256').update(bytes).digest('hex');
      if (sha !== expected) throw new ShippedBackboneError(`The studio's copy of ${spec.name} is damaged (${relative} fails its sha256 check). Reinstall the studio, or download or import the backbone.`);
      fs.mkdirSync(path.dirname(path.join(staging, relative)), { recursive: true });
      fs.writeFileSync(path.join(staging, relative), bytes);
      files[relative] = sha;
    }
    verifyModelFolder(staging);
    return commitInstall(staging, { spec, files, source: `shipped:${spec.shipped.folder}`, installedAt: new Date().toISOString() }, cache);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/**
 * True when the backbone is installed, installing the shipped copy first if that is what is
 * missing. Every path that is about to use a backbone (train, the worker, the CLI) calls this.
 */
export function ensureInstalled(id: string, cache = modelCacheDir()): boolean {
  if (readInstall(id, cache)) return true;
  const spec = findBackbone(id);
  if (!spec?.shipped) return false;
  installShipped(spec, cache);
  return true;
}
