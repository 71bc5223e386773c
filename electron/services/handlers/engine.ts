import fs from 'node:fs';
import { fsProblem } from '../../dataset/problems.js';
import { backboneState, installedDir, listInstalled } from '../../engine/backbones/model-cache.js';
import { readOnnxRecord } from '../../engine/embedders/onnx-record.js';
import { DEFAULT_BACKBONE_ID, loadCatalogue } from '../../engine/backbones/catalogue.js';
import type { ImageInput as WorkerImage } from '../../worker/protocol.js';
import type { engineChannels } from '../../ipc/channels/engine.js';
import type { HandlerGroup } from '../../ipc/dispatch.js';
import { RunDetail, type BackboneEntry } from '../../domain/engine-schemas.js';
import { StudioError } from '../../domain/result.js';
import { imageFiles } from '../../project/images.js';
import { confusionCellImages, mislabeledQueue, requireFinishedRun, uncertainQueue } from '../../project/predictions.js';
import { listRuns, runDetail } from '../../project/runs.js';
import { readSettings } from '../../project/settings.js';
import type { ServiceDeps } from '../deps.js';
import { TrainJobs, startLabelCheck } from '../train-jobs.js';

const MAX_IMAGE_BYTES = 25 * 1024 * 1024;

function onnxSummary(dir: string): BackboneEntry['onnx'] {
  const record = readOnnxRecord(dir);
  return record && { ok: record.ok, reason: record.reason, maxRel: record.parity?.maxRel ?? null, images: record.parity?.images ?? 0 };
}

export function backboneEntries(cache: string): BackboneEntry[] {
  const installed = listInstalled(cache);
  const entry = (spec: (typeof installed)[number]['spec'], origin: BackboneEntry['origin']): BackboneEntry => ({
    id: spec.id,
    name: spec.name,
    description: spec.description,
    format: spec.format,
    inputSize: spec.input.size,
    embeddingSize: spec.embedding.size,
    licence: spec.licence,
    approxBytes: spec.approxBytes,
    speedHint: spec.speedHint ?? null,
    shipped: spec.shipped !== undefined,
    downloadable: spec.urls.length > 0,
    recommended: spec.recommended,
    isDefault: spec.id === DEFAULT_BACKBONE_ID,
    state: backboneState(spec.id, cache),
    origin,
    onnx: onnxSummary(installedDir(spec.id, cache)),
  });
  const catalogue = loadCatalogue();
  const known = new Set(catalogue.map((b) => b.id));
  return [...catalogue.map((b) => entry(b, 'catalogue')), ...installed.filter((r) => !known.has(r.spec.id)).map((r) => entry(r.spec, 'imported'))];
}

/** Paths are checked here, on the main side; bytes are decoded only by the worker. */
export function workerImage(input: { path: string } | { base64: string }): WorkerImage {
  if ('path' in input) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(input.path, { throwIfNoEntry: false });
    } catch (error) {
      // A link loop, a permission, a name too long: said as the import says it.
      throw new StudioError('not_found', `${input.path} cannot be read: ${fsProblem(error).message}.`);
    }
    if (!stat?.isFile()) throw new StudioError('not_found', `${input.path} is not a file that can be read.`);
    if (stat.size > MAX_IMAGE_BYTES) throw new StudioError('invalid_payload', `${input.path} is larger than 25 MB.`);
    return { path: input.path };
  }
  const bytes = Buffer.from(input.base64, 'base64');
  if (bytes.length === 0) throw new StudioError('invalid_payload', 'The image is empty or not base64.');
  if (bytes.length > MAX_IMAGE_BYTES) throw new StudioError('invalid_payload', 'The image is larger than 25 MB.');
  return { bytes: new Uint8Array(bytes) };
}

export function engineHandlers(deps: ServiceDeps): HandlerGroup<keyof typeof engineChannels> {
  const { session, jobs, engine } = deps;
  const project = () => session.requireProject();
  const runOrLatest = (runId: number | undefined) => requireFinishedRun(project().db, runId);
  const trainJobs = new TrainJobs(deps);

  return {
    'engine:info': async () => {
      const info = await engine.call('info', {});
      return { backend: info.backend, fineTune: { available: info.capabilities.fineTune, reason: info.capabilities.fineTuneReason }, modelCache: info.modelCache };
    },

    'backbones:list': () => backboneEntries(engine.modelCache),
    'backbones:download': ({ id }) => {
      if (!loadCatalogue().some((b) => b.id === id)) throw new StudioError('not_found', `There is no backbone "${id}" in the catalogue.`);
      const { jobId } = jobs.start('download', (job) =>
        engine.call('downloadBackbone', { id }, { signal: job.signal, onProgress: (p) => job.progress(p.phase, p.done, p.total, p.message) }),
      );
      return { jobId };
    },
    'backbones:import': async ({ folder, name, inputSize, scaling }) => {
      const details = { ...(name ? { name } : {}), ...(inputSize ? { inputSize } : {}), ...(scaling ? { scaling } : {}) };
      const { id, name: named, matched } = await engine.call('importBackbone', { folder, details });
      return { id, name: named, matched };
    },

    'train:start': ({ config, clientKey }) => jobs.intents.once('train:start', clientKey, () => trainJobs.start(config ?? {})),
    'runs:list': ({ limit }) => listRuns(project().db, limit ?? 100),
    'runs:get': ({ runId }) => {
      const detail = runDetail(project().db, runId);
      if (!detail) throw new StudioError('not_found', `There is no run ${runId}.`);
      return RunDetail.parse(detail);
    },
    'runs:cellImages': ({ runId, split, trueClassId, predictedClassId, limit }) =>
      confusionCellImages(project().db, { runId: runOrLatest(runId), split, trueClassId, predictedClassId, limit: limit ?? 500 }),
    'runs:checkLabels': ({ runId }) => {
      if (!runDetail(project().db, runId)) throw new StudioError('not_found', `There is no run ${runId}.`);
      return { jobId: startLabelCheck(deps, project(), runId).jobId };
    },

    'augment:preview': async ({ imageId, count, augmentation, resizeMode, seed }) => {
      const { db } = project();
      const files = imageFiles(db, imageId);
      if (!files) throw new StudioError('not_found', `There is no image ${imageId}.`);
      const [file] = files.paths;
      if (!file) throw new StudioError('not_found', `Image ${imageId} has no file on disk to preview (it is missing).`);
      const settings = readSettings(db);
      const samples = await engine.call('augmentPreview', {
        image: { path: file },
        key: files.hash,
        preprocessing: { ...settings.preprocessing, ...(resizeMode ? { resizeMode } : {}) },
        augmentation: augmentation ?? settings.augmentation,
        count,
        seed: seed ?? 42,
      });
      return samples.map((s) => ({ view: s.view, webpBase64: Buffer.from(s.webp).toString('base64') }));
    },

    'predict:images': ({ runId, images }) =>
      engine.call('predict', { projectDir: project().dir, runId: runOrLatest(runId), images: images.map(workerImage) }),

    'queue:uncertain': ({ runId, limit }) => uncertainQueue(project().db, runOrLatest(runId), limit ?? 200),
    'queue:mislabeled': ({ runId, limit }) => mislabeledQueue(project().db, runOrLatest(runId), limit ?? 200),
  };
}
