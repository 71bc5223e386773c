// A fresh machine with no network at all (each CLI process runs under `unshare -n`) and an
// empty model cache: `init`, `import` and a one-click `train --json` without --backbone work,
// on the photos that ship with the studio, because the default backbone ships too. The shipped
// copy lands in the cache checked by sha256, and the run records the backbone it used. A
// download attempted without network says the computer seems to be offline.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_BACKBONE_ID, findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { readInstall } from '../../electron/engine/backbones/model-cache.js';
import { isOfflineMessage } from '../../electron/engine/backbones/offline.js';
import { resourcePath } from '../../electron/resources-dir.js';
import { runTsChild } from '../helpers/child.js';
import { runCliChild } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const NO_NETWORK = ['unshare', '-n'];
const probe = spawnSync('unshare', ['-n', 'true']);
const skip = probe.status === 0 ? null : `unshare -n is not available here (${probe.error?.message ?? probe.stderr.toString().trim()}), so "no network" cannot be proven`;
if (skip) console.warn(`[offline-first-run] skipped: ${skip}`);

describe.skipIf(skip)('first run with no network and an empty model cache', () => {
  const tmp = tempDir('studio-offline-');
  const cache = path.join(tmp.dir, 'models');
  const env = { STUDIO_MODEL_CACHE: cache, STUDIO_USER_DATA: path.join(tmp.dir, 'user-data') };
  const project = path.join(tmp.dir, 'project');
  afterAll(() => tmp.cleanup());

  it('runs init, import and train --json without --backbone, from the shipped backbone', async () => {
    expect(fs.existsSync(cache)).toBe(false);
    const init = await runCliChild(['init', project], { env, wrap: NO_NETWORK });
    expect(init.code, init.stderr).toBe(0);
    const imported = await runCliChild(['import', project, resourcePath('sample', 'flowers'), '--json'], { env, wrap: NO_NETWORK });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.json()).toMatchObject({ added: 40, labeled: 40 });

    const train = await runCliChild(['train', project, '--json'], { env, wrap: NO_NETWORK });
    expect(train.code, train.stderr).toBe(0);
    const run = train.json<{ run_id: number; val_acc: number; backbone: string; backbone_name: string; backbone_sha256: string }>();
    expect(run.run_id).toBe(1);
    expect(run.backbone).toBe(DEFAULT_BACKBONE_ID);
    expect(run.backbone_name).toBe(findBackbone(DEFAULT_BACKBONE_ID)!.name);
    expect(run.backbone_sha256).toMatch(/^[0-9a-f]{64}$/);
    // 5 flower classes, 8 photos each: well above chance (0.2) even on a handful of validation photos.
    expect(run.val_acc).toBeGreaterThan(0.4);

    // The cache now holds the shipped files, byte for byte, with the shipped checksums.
    const record = readInstall(DEFAULT_BACKBONE_ID, cache)!;
    expect(record.source).toMatch(/^shipped:/);
    const shipped = findBackbone(DEFAULT_BACKBONE_ID)!.shipped!;
    for (const [file, sha] of Object.entries(shipped.sha256)) {
      expect(record.files[file]).toBe(sha);
      expect(createHash('sha256').update(fs.readFileSync(path.join(cache, DEFAULT_BACKBONE_ID, file))).digest('hex')).toBe(sha);
    }

    // Export works offline too; and only with the very files the run used.
    const exported = await runCliChild(['export', project, '--format', 'onnx', '--out', path.join(tmp.dir, 'onnx'), '--json'], { env, wrap: NO_NETWORK });
    expect(exported.code, exported.stderr).toBe(0);
    expect(fs.existsSync(path.join(tmp.dir, 'onnx', 'model.onnx'))).toBe(true);
    const recordFile = path.join(cache, DEFAULT_BACKBONE_ID, 'backbone.json');
    const changed = { ...record, files: { ...record.files, 'weights.bin': '0'.repeat(64) } };
    fs.writeFileSync(recordFile, JSON.stringify(changed));
    const refused = await runCliChild(['export', project, '--format', 'onnx', '--out', path.join(tmp.dir, 'onnx-2'), '--json'], { env, wrap: NO_NETWORK });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/the installed copy differs/);
    fs.writeFileSync(recordFile, JSON.stringify(record));
  }, 400_000);

  it('says "This computer seems to be offline" when a download is tried with no network', async () => {
    const lines: string[] = [];
    const exit = await runTsChild(path.resolve(import.meta.dirname, '../helpers/try-download.ts'), ['mobilenet-v2-1.0-224', cache], (l) => lines.push(l), { wrap: NO_NETWORK });
    expect(exit.code, exit.stderr).toBe(0);
    const outcome = JSON.parse(lines.at(-1)!) as { ok: boolean; message: string; offline: boolean };
    expect(outcome.ok).toBe(false);
    expect(outcome.offline).toBe(true);
    expect(isOfflineMessage(outcome.message)).toBe(true);
    expect(outcome.message).toMatch(/ENOTFOUND|EAI_AGAIN|ENETUNREACH/);
    expect(readInstall('mobilenet-v2-1.0-224', cache)).toBeNull();
  }, 60_000);
});
