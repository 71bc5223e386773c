// The README beside a TF.js export: how to load the model and predict one photo in Node and in
// a browser, with the run's own preprocessing written out.
import { colourProfileOf, resamplingOf } from '../../engine/images/decode.js';
import type { Preprocessing } from '../../domain/schemas.js';
import { colourStep, scalingFormula } from '../model/input-spec.js';
import { decodedPhotoJs, resizeJs, sharpInput, tfjsBrowserSnippet } from '../model/snippets.js';
import { version_layers as TFJS_VERSION } from '@tensorflow/tfjs-layers';

const SHARP_FIT: Record<Preprocessing['resizeMode'], string> = {
  squash: "{ fit: 'fill' }",
  'center-crop': "{ fit: 'cover', position: 'centre' }",
  letterbox: "{ fit: 'contain', background: '#000000' }",
};

/** Canvas source rectangle per resize mode (the browser does the resampling). */
const CANVAS_DRAW: Record<Preprocessing['resizeMode'], (n: number) => string> = {
  squash: (n) => `ctx.drawImage(img, 0, 0, ${n}, ${n});`,
  'center-crop': (n) =>
    [
      'const s = Math.min(img.naturalWidth, img.naturalHeight);',
      `ctx.drawImage(img, (img.naturalWidth - s) / 2, (img.naturalHeight - s) / 2, s, s, 0, 0, ${n}, ${n});`,
    ].join('\n'),
  letterbox: (n) =>
    [
      `const k = ${n} / Math.max(img.naturalWidth, img.naturalHeight);`,
      'const w = img.naturalWidth * k, h = img.naturalHeight * k;',
      `ctx.fillStyle = '#000'; ctx.fillRect(0, 0, ${n}, ${n});`,
      `ctx.drawImage(img, (${n} - w) / 2, (${n} - h) / 2, w, h);`,
    ].join('\n'),
};

export interface ReadmeInput {
  title: string;
  spec: Preprocessing;
  labels: string[];
  quantization: string | null;
}

function lanczosNode(spec: Preprocessing): string {
  const n = spec.inputSize;
  return `const { data } = await sharp('photo.jpg')
  .rotate() // EXIF orientation
  .resize(${n}, ${n}, ${SHARP_FIT[spec.resizeMode]})
  .flatten({ background: '#ffffff' })
  .toColourspace('srgb')
  .raw()
  .toBuffer({ resolveWithObject: true });
const x = tf.tensor4d(Float32Array.from(data), [1, ${n}, ${n}, 3]);`;
}

function bilinearNode(spec: Preprocessing): string {
  return `${resizeJs(spec.inputSize, spec.resizeMode)}

const { data, info } = await sharp('photo.jpg'${sharpInput(colourProfileOf(spec))})
  .rotate() // EXIF orientation
  .flatten({ background: '#ffffff' })
  .toColourspace('srgb')
  .raw()
  .toBuffer({ resolveWithObject: true });
const x = tf.tensor4d(resize(data, info.width, info.height, info.channels), [1, SIZE, SIZE, 3]);`;
}

function canvasBrowser(spec: Preprocessing): string {
  const n = spec.inputSize;
  return `<img id="photo" src="photo.jpg" crossorigin="anonymous">
<script type="module">
  const model = await tf.loadLayersModel('model.json');
  const labels = await (await fetch('labels.json')).json();
  const img = document.getElementById('photo');
  await img.decode(); // browsers apply the EXIF orientation when decoding
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = ${n};
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, ${n}, ${n});
  ${CANVAS_DRAW[spec.resizeMode](n).split('\n').join('\n  ')}
  const pixels = tf.cast(tf.browser.fromPixels(canvas), 'float32');
  const probs = await model.predict(tf.expandDims(pixels, 0)).data();
  console.log(labels.map((label, i) => [label, probs[i]]));`;
}

function bilinearBrowser(spec: Preprocessing): string {
  return `<script>
${tfjsBrowserSnippet(spec.inputSize, spec.resizeMode, colourProfileOf(spec))}
</script>
<script type="module">
  const model = await tf.loadLayersModel('model.json');
  const labels = await (await fetch('labels.json')).json();
  ${decodedPhotoJs(colourProfileOf(spec))}
  const probs = await model.predict(toInput(photo)).data();
  console.log(labels.map((label, i) => [label, probs[i]]));`;
}

export function tfjsReadme(r: ReadmeInput): string {
  const n = r.spec.inputSize;
  const bilinear = resamplingOf(r.spec) === 'bilinear';
  return `# ${r.title}

A TF.js LayersModel: backbone and classifier head in one graph, from an RGB image to the
probabilities of ${r.labels.length} classes (${r.labels.map((l) => JSON.stringify(l)).join(', ')}; the order of \`labels.json\`).
${r.quantization ? `Weights are quantized to ${r.quantization}; TF.js restores them on load.\n` : ''}
Input: \`float32 [batch, ${n}, ${n}, 3]\`, RGB, raw values 0..255: the model scales them itself
(\`${scalingFormula(r.spec.scaling)}\`, its first layer). It needs TensorFlow.js 4 (made with ${TFJS_VERSION}).
Before that, an image is EXIF-oriented, ${colourStep(r.spec)}, transparent pixels are put
on white, and it is resized by \`${r.spec.resizeMode}\` to ${n}x${n} (see \`preprocessing.json\`).

When it was exported, these files were loaded again and checked against the studio's own
predictions on photos of the project: \`parity.json\` holds the figures, \`model-card.md\` the rest.

## Node

\`\`\`js
import * as tf from '@tensorflow/tfjs-node'; // or @tensorflow/tfjs with a file loader
import sharp from 'sharp';
import fs from 'node:fs';
import path from 'node:path';

const model = await tf.loadLayersModel('file://' + path.resolve('model.json'));
const labels = JSON.parse(fs.readFileSync('labels.json', 'utf8'));
${bilinear ? bilinearNode(r.spec) : lanczosNode(r.spec)}
const probs = await model.predict(x).data();
console.log(labels.map((label, i) => [label, probs[i]]));
\`\`\`

## Browser

Serve this folder over HTTP (\`model.json\` fetches its weight files relative to itself).

\`\`\`html
<script src="https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@${TFJS_VERSION}/dist/tf.min.js"></script>
${bilinear ? bilinearBrowser(r.spec) : canvasBrowser(r.spec)}
</script>
\`\`\`

${
  bilinear
    ? `\`toInput\` is the studio's resize (bilinear with half-pixel centres over Teachable Machine's centre
crop)${colourProfileOf(r.spec) === 'ignore' ? " and `decodePhoto` decodes as the studio does (an `<img>` would have its colour profile converted, rounded the browser's own way)" : ''}, so the browser gets the studio's pixels. When this folder was
exported, this very code fed the model photo files of the project (\`parity.json\`, \`pipeline\`);
\`npm run bench:export\` runs it in Chromium. tf.image.resizeBilinear(pixels, size, false, true)
computes the same kernel but the wasm and WebGL backends round a few pixels differently. A
transparent PNG should be drawn on white first (fromPixels drops the alpha). Drawing the
photo onto a ${n}x${n} canvas instead lets the browser resample it with its own filter, which
differs (by up to a few hundredths in probability on strongly shrunk photos).`
    : `A browser resizes with its own filter (the studio uses libvips), so its probabilities can differ
from the studio's by a few hundredths on the same photo; the model itself matches the studio
within the check above.`
}
`;
}
