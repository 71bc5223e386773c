// The README beside a TFLite export: how to run it with TensorFlow Lite in Python and on Android.
import type { Preprocessing } from '../../domain/schemas.js';
import type { TfliteMetadata } from './metadata.js';
import { pythonPredictFor, pythonPredictSection } from '../model/python-predict.js';

export function tfliteReadme(title: string, labels: string[], spec: Preprocessing, precision: TfliteMetadata['precision']): string {
  const n = spec.inputSize;
  // The exact script for float models of a 'bilinear' spec; int8 takes uint8 input, same pixels.
  const predict = pythonPredictFor('tflite', spec);
  const input =
    precision === 'int8'
      ? `uint8 \`[1, ${n}, ${n}, 3]\`, RGB, raw values 0..255 (the input's quantization parameters carry the \`${spec.scaling}\` scaling); every op runs on int8, the output is float32`
      : `float32 \`[1, ${n}, ${n}, 3]\`, RGB, raw values 0..255 (the model applies the \`${spec.scaling}\` scaling itself)`;
  return `# ${title}: TensorFlow Lite model (${precision})

\`model.tflite\` is the whole classifier, backbone and head in one model. Input \`image\`: ${input}.
Output \`probabilities\`: float32 \`[1, ${labels.length}]\` in the order of \`labels.txt\`: ${labels.map((l) => JSON.stringify(l)).join(', ')}.
The labels and the preprocessing spec are also inside the model (metadata entry \`transfer_studio\`, JSON).

Before the model, an image is EXIF-oriented, converted to sRGB, transparent pixels are put on
white, and it is resized by \`${spec.resizeMode}\` to ${n}x${n} (see \`preprocessing.json\`).

${predict ? pythonPredictSection(predict) : `## Python

\`\`\`python
import numpy as np, tensorflow as tf   # or: from ai_edge_litert.interpreter import Interpreter
from PIL import Image, ImageOps

interpreter = tf.lite.Interpreter(model_path="model.tflite")
interpreter.allocate_tensors()
inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
labels = open("labels.txt").read().splitlines()
img = ImageOps.fit(ImageOps.exif_transpose(Image.open("photo.jpg")).convert("RGB"), (${n}, ${n}))
interpreter.set_tensor(inp["index"], np.asarray(img, dtype=inp["dtype"])[None])
interpreter.invoke()
probs = interpreter.get_tensor(out["index"])[0]
print(sorted(zip(labels, probs), key=lambda p: -p[1]))
\`\`\`

(\`ImageOps.fit\` is a centre crop; use the resize \`preprocessing.json\` names.)
`}
## Android / iOS / microcontrollers

Load \`model.tflite\` with the TensorFlow Lite (LiteRT) interpreter of your platform; feed one
image as above and read \`probabilities\`. The ops used are builtin ones (CONV_2D,
DEPTHWISE_CONV_2D, FULLY_CONNECTED, MEAN, SOFTMAX, ...), no custom or Flex ops.

When it was exported, \`model.tflite\` was read back from disk and checked against the studio's own
predictions on photos of the project: \`parity.json\` holds the figures, \`model-card.md\` the rest.
`;
}
