// Getting a backbone onto this machine: download it from its publisher (model.json first, then
// the weight shards it names) or import a model folder from disk for air-gapped users. Both
// stage into a private folder, verify, and only then move the result into the cache.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ModelFileError, readModelJson, verifyModelFolder, weightFiles } from '../model-files.js';
import { loadCatalogue, type BackboneSpec } from './catalogue.js';
import { DownloadError, downloadFile } from './download.js';
import { offlineMessage } from './offline.js';
import { commitInstall, installedDir, partialDir, readInstall, modelCacheDir } from './model-cache.js';
import { sha256File } from './sha256.js';
import { installShipped } from './shipped.js';
import { weightsFingerprint } from './weights-fingerprint.js';

/** How far a download has got (sent to the main process as the worker's download event). */
export const InstallProgress = z.object({
  bytesDone: z.number(),
  bytesTotal: z.number(),
  file: z.string(),
});
export type InstallProgress = z.infer<typeof InstallProgress>;

export interface InstallOptions {
  cache?: string;
  signal?: AbortSignal;
  onProgress?: (p: InstallProgress) => void;
}

function shardUrl(modelUrl: string, shard: string): string {
  const base = new URL(modelUrl);
  const url = new URL(shard, base);
  // TF-Hub serves files only with its query (?tfjs-format=file): carry it over to the shards.
  if (!url.search && base.search) url.search = base.search;
  return url.toString();
}

async function downloadFrom(modelUrl: string, spec: BackboneSpec, staging: string, options: InstallOptions): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const known = spec.sha256 ?? {};
  const progress = { bytesDone: 0, bytesTotal: spec.approxBytes, file: 'model.json' };
  const done: Record<string, number> = {};
  const report = (file: string, received: number) => {
    done[file] = received;
    progress.bytesDone = Object.values(done).reduce((a, b) => a + b, 0);
    progress.bytesTotal = Math.max(progress.bytesTotal, progress.bytesDone);
    progress.file = file;
    options.onProgress?.({ ...progress });
  };
  const fetchOne = async (relative: string, url: string) => {
    const dest = path.join(staging, relative);
    if (fs.existsSync(dest)) {
      // Completed by an earlier attempt: trust it only if it still matches what is known.
      const sha = await sha256File(dest);
      if (!known[relative] || known[relative] === sha) {
        files[relative] = sha;
        report(relative, fs.statSync(dest).size);
        return;
      }
      fs.rmSync(dest);
    }
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const result = await downloadFile(url, dest, {
      expectedSha256: known[relative],
      signal: options.signal,
      onProgress: (received) => report(relative, received),
    });
    files[relative] = result.sha256;
  };

  await fetchOne('model.json', modelUrl);
  const model = readModelJson(staging);
  for (const file of weightFiles(staging, model)) {
    const relative = path.relative(staging, file).split(path.sep).join('/');
    await fetchOne(relative, shardUrl(modelUrl, relative));
  }
  return files;
}

/** Downloads a catalogue backbone into the cache; resumes a partial download if one exists. */
export async function downloadBackbone(spec: BackboneSpec, options: InstallOptions & { urls?: string[] } = {}): Promise<string> {
  const cache = options.cache ?? modelCacheDir();
  if (readInstall(spec.id, cache)) return installedDir(spec.id, cache);
  const urls = options.urls ?? spec.urls;
  if (urls.length === 0) throw new DownloadError(`${spec.name} has no download address; import its folder from disk instead.`, false);
  const staging = partialDir(spec.id, cache);
  fs.mkdirSync(staging, { recursive: true });
  const failures: string[] = [];
  let offline = true;
  for (const url of urls) {
    try {
      const files = await downloadFrom(url, spec, staging, options);
      // Without published checksums this is what stops a short weight file from installing.
      verifyModelFolder(staging);
      return commitInstall(staging, { spec, files, source: url, installedAt: new Date().toISOString() }, cache);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      failures.push(error instanceof Error ? error.message : String(error));
      if (!(error instanceof DownloadError && error.offline)) offline = false;
      if ((error instanceof DownloadError && !error.retryable) || error instanceof ModelFileError) {
        // A checksum mismatch or a short file poisons the staging folder: start clean.
        fs.rmSync(staging, { recursive: true, force: true });
        fs.mkdirSync(staging, { recursive: true });
      }
    }
  }
  // Every mirror unreachable for want of a network: say that, and what works without one.
  if (offline) throw new DownloadError(`${offlineMessage(spec.name)} (${failures.join(' | ')})`, true, true);
  throw new DownloadError(`Could not download ${spec.name}. ${failures.join(' | ')}`, failures.length > 0);
}

/** What the user says about a network the catalogue does not know. */
export interface ImportDetails {
  name?: string;
  inputSize?: number;
  scaling?: BackboneSpec['input']['scaling'];
}

export interface ImportOptions {
  cache?: string;
  /** Install under this catalogue entry (its checksums, if any, must match). */
  spec?: BackboneSpec;
  details?: ImportDetails;
  /** Runs the network before an unknown one is accepted (checkEmbedding); the worker passes it. */
  check?: (dir: string, spec: BackboneSpec) => Promise<BackboneSpec>;
}

export interface ImportResult {
  spec: BackboneSpec;
  dir: string;
  /** catalogue: the folder held a network the catalogue knows (it became that entry). */
  matched: 'catalogue' | 'new' | 'already-installed';
}

/**
 * Imports a TF.js model folder (model.json + shards) into the cache. A folder whose files match
 * a catalogue entry's checksums, or whose weight tensors are the same (any file names or
 * sharding), becomes that entry; an unknown one is added under the user's name, once it embeds.
 */
export async function importBackboneFolder(folder: string, options: ImportOptions = {}): Promise<ImportResult> {
  const cache = options.cache ?? modelCacheDir();
  verifyModelFolder(folder);
  const model = readModelJson(folder);
  const sources = ['model.json', ...weightFiles(folder, model).map((f) => path.relative(path.resolve(folder), f).split(path.sep).join('/'))];
  const files: Record<string, string> = {};
  for (const relative of sources) files[relative] = await sha256File(path.join(folder, relative));

  const known = options.spec ? null : matchCatalogue(files, folder);
  if (known?.spec.shipped && known.how === 'weights') {
    // Same weights as the shipped copy, laid out differently: the verified shipped files serve.
    const existed = readInstall(known.spec.id, cache) !== null;
    return { spec: known.spec, dir: installShipped(known.spec, cache), matched: existed ? 'already-installed' : 'catalogue' };
  }
  let spec = options.spec ?? known?.spec ?? guessSpec(folder, model, files, options.details ?? {});
  if (spec.sha256 && !known) {
    const mismatched = Object.entries(spec.sha256).filter(([file, sha]) => files[file] !== undefined && files[file] !== sha);
    if (mismatched.length) throw new DownloadError(`${folder} does not match ${spec.name}: ${mismatched.map(([f]) => f).join(', ')} differ.`, false);
  }
  const existing = readInstall(spec.id, cache);
  if (existing) return { spec: existing.spec, dir: installedDir(spec.id, cache), matched: 'already-installed' };

  const staging = `${partialDir(spec.id, cache)}-import-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    for (const relative of sources) {
      const dest = path.join(staging, relative);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(path.join(folder, relative), dest);
    }
    const isNew = !options.spec && !known;
    if (isNew && options.check) spec = await options.check(staging, spec);
    const dir = commitInstall(staging, { spec, files, source: path.resolve(folder), installedAt: new Date().toISOString() }, cache);
    return { spec, dir, matched: isNew ? 'new' : 'catalogue' };
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/** The catalogue entry a folder holds: by file checksums (published or shipped), else by weights. */
function matchCatalogue(files: Record<string, string>, folder: string): { spec: BackboneSpec; how: 'checksums' | 'weights' } | null {
  const same = (sums: Record<string, string> | null | undefined) =>
    !!sums && Object.keys(sums).length === Object.keys(files).length && Object.entries(sums).every(([file, sha]) => files[file] === sha);
  const catalogue = loadCatalogue();
  const bySums = catalogue.find((b) => same(b.sha256) || same(b.shipped?.sha256));
  if (bySums) return { spec: bySums, how: same(bySums.sha256) ? 'checksums' : 'weights' };
  const withPrint = catalogue.filter((b) => b.weightsFingerprint);
  if (withPrint.length === 0) return null;
  const print = weightsFingerprint(folder);
  const byWeights = withPrint.find((b) => b.weightsFingerprint === print);
  return byWeights ? { spec: byWeights, how: 'weights' } : null;
}

/** A folder the catalogue does not know: the user's name and input, else what TF.js metadata says. */
function guessSpec(folder: string, model: ReturnType<typeof readModelJson>, files: Record<string, string>, details: ImportDetails): BackboneSpec {
  const digest = (files['model.json'] ?? '').slice(0, 10);
  const name = details.name?.trim() || path.basename(path.resolve(folder));
  const graph = model.format === 'graph-model';
  const inputShape = findInputShape(model.modelTopology);
  const scalingGiven = details.scaling !== undefined;
  return {
    id: `local-${digest}`,
    name,
    description: `Imported from ${path.resolve(folder)}`,
    format: graph ? 'graph' : 'layers',
    urls: [],
    input: { size: details.inputSize ?? inputShape ?? 224, scaling: details.scaling ?? (graph ? 'zero1' : 'minus1to1') },
    embedding: { pooling: 'avg', size: 0 },
    licence: 'unknown (imported by the user)',
    approxBytes: Math.max(1, Object.keys(files).reduce((sum, f) => sum + fs.statSync(path.join(folder, f)).size, 0)),
    sha256: files,
    fixture: null,
    recommended: false,
    notes: scalingGiven ? 'Input scaling as given at import.' : 'Input scaling guessed from the format (layers: x/127.5 - 1, graph: x/255); check it.',
  };
}
function findInputShape(topology: unknown): number | null {
  const text = JSON.stringify(topology ?? {});
  const match = /"batch_input_shape":\[null,(\d+),(\d+),3\]/.exec(text) ?? /"batchInputShape":\[null,(\d+),(\d+),3\]/.exec(text);
  return match ? Number(match[1]) : null;
}
