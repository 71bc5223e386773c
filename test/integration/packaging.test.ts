// Packaging, as far as it goes without the Electron binary: electron-builder's own schema
// accepts the config, every file it names exists, the Forge config agrees with it, and a real
// `electron-builder --dir` run (with a stand-in for the Electron zip, and no native rebuild,
// which needs Electron's headers) yields an app.asar whose code runs: the packaged CLI starts
// the engine worker, finds the catalogue and imports photos with the unpacked native modules.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import builderConfig, { ASAR_UNPACK, NATIVE_MODULES } from '../../electron-builder.config.js';
import forgeConfig from '../../forge.config.js';
import pkg from '../../package.json' with { type: 'json' };
import { ICON_SIZES } from '../../scripts/make-icons.js';
import { runCliChild } from '../helpers/cli.js';
import { writeSyntheticDataset } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const tmp = tempDir('studio-package-');
afterAll(() => tmp.cleanup());

interface Builder {
  getConfig(projectDir: string, configPath: string, fromOptions: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: Record<string, unknown>, logger: unknown): Promise<void>;
}
const builder = require('app-builder-lib/out/util/config/config.js') as Builder;
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

/** Every file below dir, relative, with forward slashes. */
function walk(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

describe('electron-builder configuration', () => {
  it('loads through electron-builder and passes its schema; a wrong key does not', async () => {
    const config = await builder.getConfig(root, path.join(root, 'electron-builder.config.ts'), null);
    await builder.validateConfiguration(config, new DebugLogger(false));
    await expect(builder.validateConfiguration({ ...config, asarUnpak: ['x'] }, new DebugLogger(false))).rejects.toThrow(/unknown property 'asarUnpak'/);
  });

  it('targets AppImage and deb, NSIS and dmg, rebuilds natives for Electron, and unpacks every native module', () => {
    expect(builderConfig.linux?.target).toEqual(['AppImage', 'deb']);
    expect(builderConfig.win?.target).toEqual(['nsis']);
    expect(builderConfig.mac?.target).toEqual(['dmg']);
    expect(builderConfig.npmRebuild).toBe(true);
    expect([...NATIVE_MODULES]).toEqual(expect.arrayContaining(['better-sqlite3', 'sharp', '@tensorflow/tfjs-node', 'onnxruntime-node']));
    for (const name of NATIVE_MODULES) expect(ASAR_UNPACK).toContain(`node_modules/${name}/**`);
    expect(ASAR_UNPACK).toContain('node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm');
  });

  it('names files that exist: icons of the right sizes rendered from the SVG, the main entry once built', async () => {
    for (const icon of [builderConfig.win!.icon!, builderConfig.mac!.icon!]) expect(fs.existsSync(path.join(root, icon)), icon).toBe(true);
    const linuxIcons = path.join(root, builderConfig.linux!.icon!);
    for (const size of ICON_SIZES) {
      const file = path.join(linuxIcons, `${size}x${size}.png`);
      const meta = await sharp(file).metadata();
      expect([meta.width, meta.height], file).toEqual([size, size]);
    }
    // The SVG's blue tile, not a blank image.
    const { data } = await sharp(path.join(linuxIcons, '256x256.png')).extract({ left: 20, top: 128, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
    expect([...data.subarray(0, 3)]).toEqual([0x3b, 0x6e, 0xf5]);
    expect(pkg.main).toBe('dist/electron/main.js');
    expect(pkg.bin['transfer-studio']).toBe('bin/transfer-studio.js');
    expect(fs.existsSync(path.join(root, pkg.bin['transfer-studio']))).toBe(true);
  });

  it('every installed native module has its binaries under an unpacked path', () => {
    // The module rules are all `node_modules/<name>/**`.
    const matchesUnpack = (file: string) => ASAR_UNPACK.some((glob) => glob.endsWith('/**') && file.startsWith(glob.slice(0, -2)));
    let checked = 0;
    for (const name of NATIVE_MODULES) {
      const dir = path.join(root, 'node_modules', name);
      if (!fs.existsSync(dir)) {
        console.warn(`[packaging] ${name} is not installed here (optional); its unpack rule is not exercised.`);
        continue;
      }
      for (const file of walk(dir).filter((f) => /\.(node|so(\.\d+)*|dylib|dll)$/.test(f))) {
        expect(matchesUnpack(`node_modules/${name}/${file}`), `${name}/${file}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('agrees with the Forge configuration: same unpacked modules, same app files, tests left out', () => {
    for (const glob of ASAR_UNPACK) expect(forgeConfig.packagerConfig.asar.unpack).toContain(`**/${glob}`);
    const ignored = (p: string) => forgeConfig.packagerConfig.ignore.some((re) => re.test(p));
    for (const kept of ['/dist/electron/main.js', '/dist/renderer/index.html', '/resources/backbones.json', '/package.json', '/node_modules/sharp/package.json']) expect(ignored(kept), kept).toBe(false);
    for (const left of ['/test/unit/x.test.ts', '/electron/main.ts', '/renderer/src/App.svelte', '/scripts/dist.ts', '/forge.config.ts', '/dist/electron/main.js.map']) expect(ignored(left), left).toBe(true);
    expect(forgeConfig.rebuildConfig.onlyModules).toEqual(['better-sqlite3']);
  });
});

describe('electron-builder --dir with a stand-in Electron', () => {
  const out = path.join(tmp.dir, 'release');
  const unpackedApp = path.join(out, 'linux-unpacked');
  let asarFiles: string[] = [];

  beforeAll(() => {
    if (!fs.existsSync(path.join(root, 'dist/renderer/index.html'))) throw new Error('No renderer build in dist/renderer: run `npm run build:renderer` first (npm test does).');
    for (const mode of ['main', 'preload']) {
      const built = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'electron/vite.config.ts', '--mode', mode, '--logLevel', 'warn'], { cwd: root, encoding: 'utf8' });
      expect(built.status, built.stderr).toBe(0);
    }
    // What electron-builder copies from the Electron zip, minus Electron itself.
    const electronDist = path.join(tmp.dir, 'electron-dist');
    fs.mkdirSync(path.join(electronDist, 'resources'), { recursive: true });
    fs.writeFileSync(path.join(electronDist, 'electron'), '#!/bin/sh\necho "stand-in for Electron"\n', { mode: 0o755 });
    fs.writeFileSync(path.join(electronDist, 'version'), `v${require('electron/package.json').version}`);
    const packaged = spawnSync(
      process.execPath,
      [require.resolve('electron-builder/cli.js'), '--config', 'electron-builder.config.ts', '--linux', 'dir', `-c.electronDist=${electronDist}`, '-c.npmRebuild=false', `-c.directories.output=${out}`],
      { cwd: root, encoding: 'utf8' },
    );
    expect(packaged.status, packaged.stdout + packaged.stderr).toBe(0);
    asarFiles = (require('@electron/asar') as { listPackage(file: string, options: object): string[] }).listPackage(path.join(unpackedApp, 'resources/app.asar'), {}).map((f) => f.replaceAll('\\', '/'));
  }, 240_000);

  it('puts the built app, the catalogue and the icons in app.asar, and no sources or tests', () => {
    for (const file of ['/package.json', '/dist/electron/main.js', '/dist/electron/preload.cjs', '/dist/electron/engine-worker.js', '/dist/electron/inference-worker.js', '/dist/electron/cli.js', '/dist/renderer/index.html', '/resources/backbones.json', '/resources/icons/512x512.png']) {
      expect(asarFiles, file).toContain(file);
    }
    expect(asarFiles.filter((f) => /^\/(test|electron|renderer|scripts)\//.test(f))).toEqual([]);
    expect(asarFiles.filter((f) => f.endsWith('.map') || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
    expect(asarFiles.some((f) => f.startsWith('/node_modules/electron/'))).toBe(false);
    expect(asarFiles.some((f) => f.startsWith('/node_modules/vitest/'))).toBe(false);
  });

  it('unpacks the native binaries and wasm files, with only this platform\'s onnxruntime', () => {
    const unpacked = walk(path.join(unpackedApp, 'resources/app.asar.unpacked'));
    expect(unpacked).toContain('node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    expect(unpacked.some((f) => /^node_modules\/@img\/sharp-[^/]+\/lib\/.*\.node$/.test(f))).toBe(true);
    expect(unpacked.some((f) => /^node_modules\/onnxruntime-node\/bin\/napi-v\d+\/linux\/x64\/onnxruntime_binding\.node$/.test(f))).toBe(true);
    expect(unpacked.filter((f) => /onnxruntime-node\/bin\/napi-v\d+\/(darwin|win32)\//.test(f))).toEqual([]);
    expect(unpacked.filter((f) => f.endsWith('.wasm')).length).toBeGreaterThanOrEqual(3);
    expect(unpacked.filter((f) => /better-sqlite3\/(deps|src)\//.test(f))).toEqual([]);
    // The shipped backbone (with its source and licence) and the sample photos (with credits) are plain files.
    for (const file of ['model.json', 'weights.bin', 'SOURCE.txt', 'LICENSE.txt']) expect(unpacked).toContain(`resources/backbones/mobilenet-v2-0.35-224/${file}`);
    expect(unpacked).toContain('resources/sample/CREDITS.txt');
    expect(unpacked.filter((f) => /^resources\/sample\/flowers\/[a-z]+\/[^/]+\.jpg$/.test(f))).toHaveLength(40);
  });

  it('runs from the package: the packaged CLI starts the engine worker and imports photos', async () => {
    // Node cannot read inside an asar archive: lay the package out as Electron sees it.
    const app = path.join(tmp.dir, 'app');
    (require('@electron/asar') as { extractAll(archive: string, dest: string): void }).extractAll(path.join(unpackedApp, 'resources/app.asar'), app);
    fs.cpSync(path.join(unpackedApp, 'resources/app.asar.unpacked'), app, { recursive: true });
    const cli = path.join(app, 'dist/electron/cli.js');
    const env = { STUDIO_MODEL_CACHE: path.join(tmp.dir, 'models') };

    const engine = await runCliChild(['engine', '--json'], { entry: cli, env });
    expect(engine.code, engine.stderr).toBe(0);
    expect(engine.json()).toMatchObject({ backend: { name: expect.stringMatching(/^(wasm|tensorflow|cpu)$/) }, modelCache: env.STUDIO_MODEL_CACHE });

    const backbones = await runCliChild(['backbones'], { entry: cli, env });
    expect(backbones.code).toBe(0);
    expect(backbones.stdout.length).toBeGreaterThan(2);

    const images = path.join(tmp.dir, 'images');
    await writeSyntheticDataset(images, 4, ['ant', 'bee']);
    const project = path.join(tmp.dir, 'project');
    expect((await runCliChild(['init', project], { entry: cli })).code).toBe(0);
    const imported = await runCliChild(['import', project, images, '--json'], { entry: cli });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.json()).toMatchObject({ added: 4, labeled: 4 });
    expect(fs.readdirSync(path.join(project, 'thumbs')).length).toBeGreaterThan(0);
  });
});
