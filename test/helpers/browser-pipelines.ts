// Exports run through their browser deployment pipelines in real Chromium (issue 22): the
// Teachable Machine export with Teachable Machine's own library (@teachablemachine/image 0.8.5
// on @tensorflow/tfjs 1.3.1, served from node_modules) — model.predict(img), and predict() of
// the README's studioCanvas(img) — and the TF.js export with TF.js 4 and the README's toInput().
// Each photo is decoded by the browser from its file, as a deployment gets it.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { teachableBrowserSnippet, tfjsBrowserSnippet } from '../../electron/export/model/snippets.js';
import type { Preprocessing } from '../../electron/domain/schemas.js';
import { colourProfileOf } from '../../electron/engine/images/decode.js';
import { serveFolders } from './static-server.js';

const NODE_MODULES = path.resolve(import.meta.dirname, '../../node_modules');
const TF4 = ['@tensorflow/tfjs-core/dist/tf-core.min.js', '@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.min.js', '@tensorflow/tfjs-layers/dist/tf-layers.min.js'];
const TM = ['@tensorflow/tfjs/dist/tf.min.js', '@teachablemachine/image/dist/teachablemachine-image.min.js'];

export interface BrowserPredictions {
  /** Row per photo, in the order given. */
  rows: number[][];
  labels: string[];
  version: string;
  /** With captureInputs: the RGB pixels (size × size × 3) the library handed tf.browser.fromPixels. */
  inputs?: Uint8Array[];
}

/** Serves the export, the photos and the scripts; runs `body` (page code) once per photo. */
async function runPage(browser: Browser, exportDir: string, photos: readonly string[], scripts: string[], setup: string, perPhoto: string): Promise<BrowserPredictions> {
  const page0 = fs.mkdtempSync(path.join(exportDir, '..', 'page-'));
  const inline = scripts.map((s) => (s.startsWith('/') ? `<script src="${s}"></script>` : `<script>${s}</script>`)).join('\n');
  fs.writeFileSync(path.join(page0, 'index.html'), `<!doctype html><html><body>${inline}</body></html>`);
  const routes: Record<string, string> = { '/modules/': NODE_MODULES, '/model/': exportDir, '/': page0 };
  photos.forEach((p, i) => (routes[`/photo${i}/`] = path.dirname(p)));
  const server = await serveFolders(routes);
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`${server.url}/index.html`);
    const urls = photos.map((p, i) => `/photo${i}/${encodeURIComponent(path.basename(p))}`);
    // Page code as a string: this project type-checks without the DOM library.
    const result = (await page.evaluate(`(async () => {
      const rows = [];
      const inputs = [];
      ${setup}
      for (const url of ${JSON.stringify(urls)}) {
        const img = new Image();
        img.src = url;
        await img.decode();
        ${perPhoto}
      }
      return { rows, labels, version, inputs };
    })()`)) as Omit<BrowserPredictions, 'inputs'> & { inputs: string[] };
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    const { inputs, ...rest } = result;
    if (inputs.length && inputs.length !== photos.length) throw new Error(`expected one canvas read per photo, got ${inputs.length} for ${photos.length}`);
    return inputs.length ? { ...rest, inputs: inputs.map((b) => rgbFromRgba(Buffer.from(b, 'base64'))) } : rest;
  } finally {
    await page.close();
    await server.close();
    fs.rmSync(page0, { recursive: true, force: true });
  }
}

function rgbFromRgba(rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) out.set(rgba.subarray(i, i + 3), o);
  return out;
}

/**
 * Records the canvas the library's cropTo made, as its capture() reads it: tfjs 1.3's
 * fromPixels reads a canvas with getImageData (cpu backend), so a wrapper sees those very
 * pixels (tf.browser itself is a frozen namespace).
 */
const CAPTURE_INPUTS = `const getImageData = CanvasRenderingContext2D.prototype.getImageData;
     CanvasRenderingContext2D.prototype.getImageData = function (...args) {
       const image = getImageData.apply(this, args);
       if (globalThis.notCaptured) return image; // the page's own reads (studioCanvas)
       let s = '';
       for (let i = 0; i < image.data.length; i += 0x8000) s += String.fromCharCode.apply(null, image.data.subarray(i, i + 0x8000));
       inputs.push(btoa(s));
       return image;
     };`;

/**
 * Teachable Machine's library as its users call it: predict(img), its own crop and resize.
 * captureInputs also returns the 224×224 pixels its canvas produced for each photo.
 */
export function teachableLibrary(browser: Browser, exportDir: string, photos: readonly string[], captureInputs = false): Promise<BrowserPredictions> {
  return runPage(
    browser,
    exportDir,
    photos,
    TM.map((s) => `/modules/${s}`),
    `${captureInputs ? CAPTURE_INPUTS : ''}
     await tf.setBackend('cpu');
     const model = await tmImage.load('/model/model.json', '/model/metadata.json');
     const labels = model.getClassLabels();
     const version = 'tmImage ' + tmImage.version + ', tfjs ' + tf.version.tfjs;`,
    `const prediction = await model.predict(img);
     rows.push(labels.map((l) => prediction.find((p) => p.className === l).probability));`,
  );
}

/** The README's way to a decoded photo in page code: decodePhoto(url) when the spec ignores colour profiles, else the <img>. */
function readmePhoto(spec: Preprocessing): string {
  return colourProfileOf(spec) === 'ignore' ? 'await decodePhoto(url)' : 'img';
}

/**
 * Teachable Machine's library fed the README's studioCanvas(photo) (the studio's decode and
 * resize). captureInputs also returns the pixels the library's own canvas copy handed its model
 * (studioCanvas's own read of the photo is not captured).
 */
export function teachableWithStudioResize(browser: Browser, exportDir: string, photos: readonly string[], spec: Preprocessing, captureInputs = false): Promise<BrowserPredictions> {
  return runPage(
    browser,
    exportDir,
    photos,
    [...TM.map((s) => `/modules/${s}`), teachableBrowserSnippet(spec.inputSize, spec.resizeMode, colourProfileOf(spec))],
    `${captureInputs ? CAPTURE_INPUTS : ''}
     await tf.setBackend('cpu');
     const model = await tmImage.load('/model/model.json', '/model/metadata.json');
     const labels = model.getClassLabels();
     const version = 'tmImage ' + tmImage.version + ', tfjs ' + tf.version.tfjs;`,
    // The README's model.predict(studioCanvas(photo)), in two steps so only predict's reads are captured.
    `globalThis.notCaptured = true;
     const canvas = studioCanvas(${readmePhoto(spec)});
     globalThis.notCaptured = false;
     const prediction = await model.predict(canvas);
     rows.push(labels.map((l) => prediction.find((p) => p.className === l).probability));`,
  );
}

/** The TF.js export with TF.js 4 in the browser and the README's decodePhoto and toInput(photo). */
export function tfjsWithReadmeSnippet(browser: Browser, exportDir: string, photos: readonly string[], spec: Preprocessing): Promise<BrowserPredictions> {
  return runPage(
    browser,
    exportDir,
    photos,
    [...TF4.map((s) => `/modules/${s}`), tfjsBrowserSnippet(spec.inputSize, spec.resizeMode, colourProfileOf(spec))],
    `await tf.setBackend('cpu');
     const model = await tf.loadLayersModel('/model/model.json');
     const labels = await (await fetch('/model/labels.json')).json();
     const version = 'tfjs ' + tf.version_core;`,
    `const x = toInput(${readmePhoto(spec)});
     const y = model.predict(x);
     rows.push(Array.from(await y.data()));
     tf.dispose([x, y]);`,
  );
}
