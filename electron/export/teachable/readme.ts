// The README beside a Teachable Machine-compatible export.
import { resamplingOf } from '../../engine/images/decode.js';
import type { Preprocessing } from '../../domain/schemas.js';
import { teachableBrowserSnippet } from '../model/snippets.js';

/** For a 'bilinear' spec: how to get exactly the studio's answer from the library. */
function exactSection(spec: Preprocessing): string {
  if (resamplingOf(spec) !== 'bilinear') return '';
  return `
## The studio's exact answer

\`model.predict(img)\` lets the browser's canvas resample the photo (Teachable Machine's \`cropTo\`).
The studio resizes with the same crop arithmetic and plain bilinear interpolation; a canvas only
approximates it, and differently in each browser. Measured in Chromium: its decode and EXIF
orientation give the studio's pixels, but its software canvas draws with Skia's bilinear at
4-bit sub-pixel precision, from a box-filtered half- or quarter-size copy when shrinking below
half, and a GPU canvas, Firefox or Safari filter their own ways again, so no studio resize can
equal \`predict(img)\` everywhere. On photos close to ${spec.inputSize} px the answers agree within about
0.01; on strongly shrunk or enlarged photos they can differ by a few hundredths. For the studio's
answer, resize with the studio's own code and hand \`predict\` the ${spec.inputSize}x${spec.inputSize} canvas (its crop of such
a canvas changes nothing); photos with an embedded colour profile can still differ by one level
per pixel (the browser's colour conversion rounds its own way), a few thousandths at most:

\`\`\`html
<script>
${teachableBrowserSnippet(spec.inputSize, spec.resizeMode)}
</script>
<script type="module">
  const model = await tmImage.load('model.json', 'metadata.json');
  const img = new Image(); // the browser applies the EXIF orientation when decoding
  img.src = 'photo.jpg';
  await img.decode();
  const prediction = await model.predict(studioCanvas(img));
</script>
\`\`\`

\`npm run bench:export\` measures both ways in Chromium; \`parity.json\` holds the check made when
this folder was exported.
`;
}

export function teachableReadme(title: string, labels: string[], spec: Preprocessing): string {
  return `# ${title}: Teachable Machine-compatible model

\`model.json\`, \`weights.bin\` and \`metadata.json\` are laid out as a Teachable Machine image
export, so code written for one loads this model unchanged:

\`\`\`html
<script src="https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@1.3.1/dist/tf.min.js"></script>
<script src="https://cdn.jsdelivr.net/npm/@teachablemachine/image@0.8/dist/teachablemachine-image.min.js"></script>
<script>
  const model = await tmImage.load('model.json', 'metadata.json');
  const prediction = await model.predict(document.querySelector('img'));
  // [{ className: ${JSON.stringify(labels[0] ?? 'class')}, probability: 0.97 }, ...]
</script>
\`\`\`

Classes, in output order: ${labels.map((l) => JSON.stringify(l)).join(', ')}.

Teachable Machine's library centre-crops each image to 224x224 and scales pixels as
\`x / 127 - 1\`. The studio trained this model on \`${spec.scaling}\` inputs resized by \`${spec.resizeMode}\`;
the first layer (\`tm_input_adapter\`, a 1x1 depthwise convolution) converts Teachable Machine's
scaling into the studio's exactly, so the model predicts as the studio did. \`metadata.json\`'s
\`userMetadata\` records the run, the backbone and the preprocessing spec.

When it was exported, these files were loaded again and checked against the studio's own
predictions on photos of the project: \`parity.json\` holds the figures, \`model-card.md\` the rest.
${exactSection(spec)}`;
}
