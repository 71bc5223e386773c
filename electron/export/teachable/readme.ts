// The README beside a Teachable Machine-compatible export.
import { colourProfileOf, resamplingOf } from '../../engine/images/decode.js';
import type { Preprocessing } from '../../domain/schemas.js';
import { decodedPhotoJs, teachableBrowserSnippet } from '../model/snippets.js';

/** For a 'bilinear' spec: how to get exactly the studio's answer from the library. */
function exactSection(spec: Preprocessing): string {
  if (resamplingOf(spec) !== 'bilinear') return '';
  const n = spec.inputSize;
  const ignore = colourProfileOf(spec) === 'ignore';
  return `
## The studio's exact answer: hand \`predict\` a prepared ${n}x${n} canvas

\`model.predict(img)\` with a photo of any other size lets the browser's canvas resample it
(Teachable Machine's \`cropTo\` draws it onto a ${n}x${n} canvas)${ignore ? ' and the browser convert its colour profile' : ''}.
The studio resizes with the same crop arithmetic but plain bilinear interpolation; a canvas only
approximates it, and differently in each browser: Chromium's software canvas draws with Skia's
bilinear at 4-bit sub-pixel precision, from a box-filtered half- or quarter-size copy when
shrinking below half; a GPU canvas, Firefox or Safari filter their own ways again. So no studio
resize can equal \`predict(photo)\` everywhere: on photos close to ${n} px the answers agree within
about 0.01, on strongly shrunk or enlarged photos they can differ by a few hundredths.

For the studio's answer, decode and resize with the studio's own code below and hand \`predict\`
the ${n}x${n} canvas: its crop of a canvas of its input size draws it unscaled, an exact copy.
${
  ignore
    ? `\`decodePhoto\` decodes as the studio does, without converting an embedded colour profile (an
\`<img>\` would be converted to sRGB, which browsers round differently from the studio).`
    : `Photos with an embedded colour profile can still differ by one level per pixel (the browser's
colour conversion rounds its own way), a few thousandths at most.`
}

\`\`\`html
<script>
${teachableBrowserSnippet(n, spec.resizeMode, colourProfileOf(spec))}
</script>
<script type="module">
  const model = await tmImage.load('model.json', 'metadata.json');
  ${decodedPhotoJs(colourProfileOf(spec))}
  const prediction = await model.predict(studioCanvas(photo));
</script>
\`\`\`

\`parity.json\` (\`pipeline\`) holds the check made when this folder was exported (this code's resize
on the photos' decoded pixels); \`npm run bench:export\` in the studio's repository runs both ways in
Chromium with Teachable Machine's library.
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

Classes, in output order: ${labels.map((l) => JSON.stringify(l)).join(', ')}.${
    resamplingOf(spec) === 'bilinear' ? `\n\nThat \`predict(img)\` resizes the photo on the browser's canvas, close to the studio but not\nequal; for exactly the studio's answer see "The studio's exact answer" below.` : ''
  }

Teachable Machine's library centre-crops each image to 224x224 and scales pixels as
\`x / 127 - 1\`. The studio trained this model on \`${spec.scaling}\` inputs resized by \`${spec.resizeMode}\`;
the first layer (\`tm_input_adapter\`, a 1x1 depthwise convolution) converts Teachable Machine's
scaling into the studio's exactly, so the model predicts as the studio did. \`metadata.json\`'s
\`userMetadata\` records the run, the backbone and the preprocessing spec.

When it was exported, these files were loaded again and checked against the studio's own
predictions on photos of the project: \`parity.json\` holds the figures, \`model-card.md\` the rest.
${exactSection(spec)}`;
}
