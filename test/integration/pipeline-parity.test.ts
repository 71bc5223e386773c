// Pipeline parity (issue 22) on a real trained run (hymenoptera, MobileNetV2 0.35, the new
// 'bilinear' spec): every format's export check feeds photo files through the README's own
// preprocessing and records the figures in parity.json; the ONNX export's predict.mjs (Node,
// sharp) and predict.py (Python, Pillow; skipped with a message where not installed) are run as
// a user runs them, on photos that include EXIF-rotated, enlarged and shrunk ones, and give the
// studio's answers.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportModel, PARITY_FILE, type ModelExportResult } from '../../electron/export/model/export-model.js';
import { resolveModelSource } from '../../electron/export/model/source.js';
import { ExportParity } from '../../electron/domain/schemas.js';
import { deploymentPhotos, type DeploymentPhoto } from '../helpers/deployment-photos.js';
import { fixturesUnavailable } from '../helpers/fixtures.js';
import { studioAnswers, worstAgainstStudio } from '../helpers/studio-answers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { trainedProject, type TrainedProject } from '../helpers/trained-project.js';

const skip = fixturesUnavailable();
const NODE_MODULES = path.resolve(import.meta.dirname, '../../node_modules');

function pythonUnavailable(): string | null {
  const probe = spawnSync('python3', ['-c', 'import onnxruntime, PIL, numpy'], { encoding: 'utf8' });
  return probe.status === 0 ? null : 'python3 with onnxruntime, pillow and numpy is not installed (pip install onnxruntime pillow numpy)';
}

/** JSON lines {file, probabilities} printed by an export's script. */
function parseLines(out: string): Map<string, number[]> {
  return new Map(
    out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; probabilities: number[] })
      .map((r) => [r.file, r.probabilities]),
  );
}

describe.skipIf(skip)('pipeline parity of exports', () => {
  const tmp = tempDir('studio-pipeline-parity-');
  let t: TrainedProject;
  let photos: DeploymentPhoto[];
  let studio: Map<string, Float32Array>;
  const exports: Record<string, ModelExportResult> = {};

  beforeAll(async () => {
    t = await trainedProject(tmp.dir, { perClass: 8 });
    photos = (await deploymentPhotos('hymenoptera', path.join(tmp.dir, 'photos'), 16)).filter((p) => p.kind !== 'regular' || p.file.endsWith('0.jpg'));
    studio = await studioAnswers(t, photos.map((p) => p.file));
    const request = { db: t.project.db, projectDir: t.project.dir, modelCacheDir: t.cache, sampleCount: 12 };
    for (const format of ['onnx', 'tfjs', 'teachable'] as const) exports[format] = await exportModel({ ...request, format });
  }, 600_000);

  afterAll(() => {
    t?.project.close();
    tmp.cleanup();
  });

  it('trains on the recorded spec of new projects (bilinear, colour profiles ignored) and says so in the run', () => {
    const source = resolveModelSource(t.project.db, t.project.dir, t.cache, {});
    expect(source.preprocessing).toMatchObject({ resampling: 'bilinear', resizeMode: 'center-crop', colourProfile: 'ignore' });
    expect(photos.map((p) => p.kind)).toEqual(expect.arrayContaining(['small', 'large', 'exif-rotated', 'enlarged', 'shrunk', 'profiled']));
  });

  it('records pipeline parity for every format in parity.json, within 1e-3 and the same top-1', () => {
    for (const [format, r] of Object.entries(exports)) {
      const parity = ExportParity.parse(JSON.parse(fs.readFileSync(path.join(r.dir, PARITY_FILE), 'utf8')));
      const p = parity.pipeline!;
      console.log(`[pipeline] ${format}: ${p.pipeline}: max |Δp| ${p.maxAbs?.toExponential(2)}, top-1 ${p.top1Agreement}, ${p.examples} photos`);
      expect(p.examples).toBe(parity.examples);
      expect(p.maxAbs).not.toBeNull();
      expect(p.maxAbs!).toBeLessThanOrEqual(1e-3);
      expect(p.top1Agreement).toBe(1);
      expect(p.passed).toBe(true);
      expect(r.warnings.filter((w) => w.includes('as the README says'))).toEqual([]);
    }
  });

  it("runs the ONNX export's predict.mjs (shown verbatim in its README) as a user would", () => {
    const dir = exports.onnx!.dir;
    const script = fs.readFileSync(path.join(dir, 'predict.mjs'), 'utf8');
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain(script.trimEnd());
    // A user's folder: the export's files plus their own node_modules.
    const user = path.join(tmp.dir, 'user-node');
    fs.cpSync(dir, user, { recursive: true });
    fs.symlinkSync(NODE_MODULES, path.join(user, 'node_modules'), 'dir');
    const out = execFileSync(process.execPath, [path.join(user, 'predict.mjs'), ...photos.map((p) => p.file)], { cwd: user, encoding: 'utf8' });
    const worst = worstAgainstStudio(studio, parseLines(out));
    console.log(`[pipeline] predict.mjs on ${photos.length} photos: max |Δp| ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-3);
  });

  it.skipIf(pythonUnavailable() !== null)("runs the ONNX export's predict.py (Pillow) as a user would", () => {
    const dir = exports.onnx!.dir;
    const script = fs.readFileSync(path.join(dir, 'predict.py'), 'utf8');
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain(script.trimEnd());
    const out = execFileSync('python3', [path.join(dir, 'predict.py'), ...photos.map((p) => p.file)], { encoding: 'utf8' });
    const worst = worstAgainstStudio(studio, parseLines(out));
    console.log(`[pipeline] predict.py on ${photos.length} photos: max |Δp| ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-3);
  });
});

if (pythonUnavailable()) console.log(`[pipeline] predict.py not run: ${pythonUnavailable()}`);
