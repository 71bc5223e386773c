// The backbone that ships in resources/: installed into an empty model cache on first use with
// the recorded sha256, once; installed again after removal; a damaged shipped copy is refused
// by name and nothing half-installed is left behind.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BACKBONE_ID, findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { listInstalled, readInstall } from '../../electron/engine/backbones/model-cache.js';
import { ensureInstalled, installShipped, ShippedBackboneError } from '../../electron/engine/backbones/shipped.js';
import { weightsFingerprint } from '../../electron/engine/backbones/weights-fingerprint.js';
import { resourcesDir } from '../../electron/resources-dir.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('the shipped backbone', () => {
  const tmp = tempDir('studio-shipped-');
  const spec = findBackbone(DEFAULT_BACKBONE_ID)!;
  afterEach(() => {
    delete process.env.STUDIO_RESOURCES;
  });

  it('is recorded in the catalogue with checksums and a weights fingerprint that match the files', () => {
    expect(spec.shipped).toBeDefined();
    const folder = path.join(resourcesDir(), spec.shipped!.folder);
    expect(weightsFingerprint(folder)).toBe(spec.weightsFingerprint);
    for (const file of ['SOURCE.txt', 'LICENSE.txt', 'SHA256SUMS']) expect(fs.existsSync(path.join(folder, file)), file).toBe(true);
    expect(fs.readFileSync(path.join(folder, 'LICENSE.txt'), 'utf8')).toMatch(/Apache License/);
  });

  it('installs into an empty cache on first use, once, and again after removal', () => {
    const cache = path.join(tmp.dir, 'cache');
    expect(ensureInstalled('mobilenet-v2-1.0-224', cache)).toBe(false);
    expect(ensureInstalled(DEFAULT_BACKBONE_ID, cache)).toBe(true);
    const record = readInstall(DEFAULT_BACKBONE_ID, cache)!;
    expect(record.files).toEqual(spec.shipped!.sha256);
    const installedAt = record.installedAt;
    expect(ensureInstalled(DEFAULT_BACKBONE_ID, cache)).toBe(true);
    expect(readInstall(DEFAULT_BACKBONE_ID, cache)!.installedAt).toBe(installedAt);
    fs.rmSync(path.join(cache, DEFAULT_BACKBONE_ID), { recursive: true });
    expect(ensureInstalled(DEFAULT_BACKBONE_ID, cache)).toBe(true);
    expect(listInstalled(cache).map((r) => r.spec.id)).toEqual([DEFAULT_BACKBONE_ID]);
  });

  it('refuses a damaged shipped copy, leaving the cache as it was', () => {
    const resources = path.join(tmp.dir, 'resources');
    fs.cpSync(resourcesDir(), resources, { recursive: true, filter: (src) => !src.includes(`${path.sep}sample`) });
    const weights = path.join(resources, spec.shipped!.folder, 'weights.bin');
    fs.chmodSync(weights, 0o644);
    const bytes = fs.readFileSync(weights);
    bytes[1000] = bytes[1000]! ^ 0xff;
    fs.writeFileSync(weights, bytes);
    process.env.STUDIO_RESOURCES = resources;
    const cache = path.join(tmp.dir, 'cache-damaged');
    expect(() => installShipped(spec, cache)).toThrow(ShippedBackboneError);
    expect(() => installShipped(spec, cache)).toThrow(/damaged \(weights\.bin fails its sha256 check\)/);
    expect(readInstall(DEFAULT_BACKBONE_ID, cache)).toBeNull();
    expect(fs.readdirSync(path.join(cache, '.partial'))).toEqual([]);
  });
});
