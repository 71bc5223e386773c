// The README beside a Keras export: loading it, predicting, and continuing training.
import type { Preprocessing } from '../../domain/schemas.js';
import { pythonPredictFor, pythonPredictSection } from '../model/python-predict.js';

export function kerasReadme(title: string, labels: string[], spec: Preprocessing): string {
  const n = spec.inputSize;
  const predict = pythonPredictFor('keras', spec);
  return `# ${title}: Keras model

\`model.keras\` (Keras 3 format) is the whole classifier as one functional model: input \`image\`
(\`[batch, ${n}, ${n}, 3]\`, RGB, raw values 0..255), the \`input_scaling\` Rescaling layer (the
\`${spec.scaling}\` scaling), the backbone's layers under the names they have in the studio (frozen,
\`trainable=False\`), then the trained head (\`head_*\`). Output: probabilities over ${labels.map((l) => JSON.stringify(l)).join(', ')}
(the order of \`labels.json\`).

Before the model, an image is EXIF-oriented, converted to sRGB, transparent pixels are put on
white, and it is resized by \`${spec.resizeMode}\` to ${n}x${n} (see \`preprocessing.json\`).

${predict ? pythonPredictSection(predict) : `\`\`\`python
import json, numpy as np, keras
from PIL import Image, ImageOps

model = keras.models.load_model("model.keras")
labels = json.load(open("labels.json"))
img = ImageOps.fit(ImageOps.exif_transpose(Image.open("photo.jpg")).convert("RGB"), (${n}, ${n}))
probs = model.predict(np.asarray(img, dtype="float32")[None])[0]
print(sorted(zip(labels, probs), key=lambda p: -p[1]))
\`\`\`
`}
To continue training, unfreeze the top of the backbone (\`layer.trainable = True\`), compile with
a small learning rate and \`model.fit\`; the studio's "training bundle" export does this on one or
several machines. When it was exported, \`model.keras\` was read back and checked against the
studio's own predictions on photos of the project: \`parity.json\` holds the figures.
`;
}
