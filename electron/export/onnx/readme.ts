// The README beside an ONNX export: how to run it with onnxruntime in Python and in Node.
import { colourProfileOf, resamplingOf } from '../../engine/images/decode.js';
import { colourStep } from '../model/input-spec.js';
import type { Preprocessing } from '../../domain/schemas.js';
import { onnxNodeScript, onnxPythonScript } from '../model/snippets.js';

/** The runnable scripts an ONNX export of a 'bilinear' spec ships (README shows them verbatim). */
export function onnxScripts(spec: Preprocessing): Record<string, string> {
  if (resamplingOf(spec) !== 'bilinear') return {};
  return { 'predict.mjs': onnxNodeScript(spec.inputSize, spec.resizeMode, colourProfileOf(spec)), 'predict.py': onnxPythonScript(spec.inputSize, spec.resizeMode, colourProfileOf(spec)) };
}

/** What every ONNX README starts with: the model's input and output. */
function header(title: string, labels: string[], spec: Preprocessing): string {
  const n = spec.inputSize;
  return `# ${title}: ONNX model

\`model.onnx\` (opset 13) is the whole classifier, backbone and head in one graph. Input
\`image\`: float32 \`[batch, ${n}, ${n}, 3]\`, RGB, raw values 0..255 (the graph applies the
\`${spec.scaling}\` scaling itself). Output \`probabilities\`: \`[batch, ${labels.length}]\` in the order of
\`labels.json\`: ${labels.map((l) => JSON.stringify(l)).join(', ')}. The labels and the preprocessing spec are also
in the model's metadata (\`labels\`, \`preprocessing\`, \`input_scaling\`, \`input_layout\`).
`;
}

/** The README for a 'bilinear' spec: the scripts beside the model, shown in full. */
function bilinearReadme(title: string, labels: string[], spec: Preprocessing): string {
  const n = spec.inputSize;
  const scripts = onnxScripts(spec);
  return `${header(title, labels, spec)}
Before the model, an image is EXIF-oriented, ${colourStep(spec)}, transparent pixels
are put on white, and resized by \`${spec.resizeMode}\` to ${n}x${n} with plain bilinear interpolation (half-pixel
centres, no antialiasing; for a centre crop, Teachable Machine's arithmetic: scale the shorter side
to ${n}, round the scaled size up, drop floor(excess / 2) pixels). This is the studio's own
resize, so the two scripts below give the studio's pixels, not an approximation. Library resizes
(Pillow's BILINEAR, sharp's resize, OpenCV's INTER_AREA) antialias when shrinking and give
different pixels: use the \`resize\` below instead.

## Node (\`predict.mjs\`, beside the model)

\`\`\`js
${scripts['predict.mjs']!.trimEnd()}
\`\`\`

## Python (\`predict.py\`, beside the model)

\`\`\`python
${scripts['predict.py']!.trimEnd()}
\`\`\`

When it was exported, \`model.onnx\` was loaded again in onnxruntime-node and checked against the
studio's own predictions on photos of the project, fed as above from the photo files:
\`parity.json\` holds the figures (\`pipeline\`: through this preprocessing), \`model-card.md\` the rest.
`;
}

const PIL_RESIZE: Record<Preprocessing['resizeMode'], (n: number) => string> = {
  squash: (n) => `img = img.resize((${n}, ${n}), Image.BILINEAR)`,
  'center-crop': (n) => `img = ImageOps.fit(img, (${n}, ${n}), Image.BILINEAR)`,
  letterbox: (n) => `img = ImageOps.pad(img, (${n}, ${n}), Image.BILINEAR, color=(0, 0, 0))`,
};

const SHARP_FIT: Record<Preprocessing['resizeMode'], string> = {
  squash: "{ fit: 'fill' }",
  'center-crop': "{ fit: 'cover', position: 'centre' }",
  letterbox: "{ fit: 'contain', background: '#000000' }",
};

export function onnxReadme(title: string, labels: string[], spec: Preprocessing): string {
  if (resamplingOf(spec) === 'bilinear') return bilinearReadme(title, labels, spec);
  const n = spec.inputSize;
  return `${header(title, labels, spec)}
Before the model, an image is EXIF-oriented, ${colourStep(spec)}, transparent pixels
are put on white, and it is resized by \`${spec.resizeMode}\` to ${n}x${n} (see \`preprocessing.json\`).

## Python

\`\`\`python
import json, numpy as np, onnxruntime as ort
from PIL import Image, ImageOps

session = ort.InferenceSession("model.onnx")
labels = json.load(open("labels.json"))
img = ImageOps.exif_transpose(Image.open("photo.jpg")).convert("RGB")
${PIL_RESIZE[spec.resizeMode](n)}
x = np.asarray(img, dtype=np.float32)[None]  # [1, ${n}, ${n}, 3], 0..255
probs = session.run(["probabilities"], {"image": x})[0][0]
print(sorted(zip(labels, probs), key=lambda p: -p[1]))
\`\`\`

## Node

\`\`\`js
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import fs from 'node:fs';

const session = await ort.InferenceSession.create('model.onnx');
const labels = JSON.parse(fs.readFileSync('labels.json', 'utf8'));
const { data } = await sharp('photo.jpg').rotate().resize(${n}, ${n}, ${SHARP_FIT[spec.resizeMode]})
  .flatten({ background: '#ffffff' }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
const image = new ort.Tensor('float32', Float32Array.from(data), [1, ${n}, ${n}, 3]);
const { probabilities } = await session.run({ image });
console.log(labels.map((label, i) => [label, probabilities.data[i]]));
\`\`\`

Pillow resamples differently from the studio (which uses sharp/libvips), so Python's
probabilities can differ slightly; the model itself matches the studio within \`parity.json\`.
When it was exported, \`model.onnx\` was loaded again in onnxruntime-node and checked against the
studio's own predictions on photos of the project: \`parity.json\` holds the figures,
\`model-card.md\` the rest.
`;
}
