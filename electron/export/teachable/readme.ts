// The README beside a Teachable Machine-compatible export.
import type { Preprocessing } from '../../domain/schemas.js';

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
`;
}
