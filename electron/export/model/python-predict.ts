// predict.py beside the Keras and TFLite exports of a 'bilinear' spec: the studio's own Python
// preprocessing (snippets.ts pythonPreprocessing: Pillow, EXIF orientation, colour profile by the spec, the studio's
// resize)
// feeding keras.models.load_model or tf.lite.Interpreter; the READMEs show it verbatim and the
// tests run it on real photos against the studio. Prints JSON lines {file, labels, probabilities}
// like the ONNX export's predict.py.
import { colourProfileOf, resamplingOf } from '../../engine/images/decode.js';
import type { Preprocessing } from '../../domain/schemas.js';
import { pythonPreprocessing } from './snippets.js';

export const PYTHON_PREDICT = 'predict.py';

function script(spec: Preprocessing, usage: string, imports: string, run: string): string {
  return `# python predict.py photo.jpg [more.jpg ...]   (${usage})
import io, json, math, os, sys
import numpy as np
from PIL import Image, ImageCms, ImageOps
${imports}
SIZE, MODE = ${spec.inputSize}, "${spec.resizeMode}"
HERE = os.path.dirname(os.path.abspath(__file__))


${pythonPreprocessing(colourProfileOf(spec))}

labels = json.load(open(os.path.join(HERE, "labels.json")))
${run}`;
}

export function kerasPythonScript(spec: Preprocessing): string {
  return script(
    spec,
    'pip install tensorflow pillow',
    'import keras\n',
    `model = keras.models.load_model(os.path.join(HERE, "model.keras"))
for path in sys.argv[1:]:
    probs = model.predict(load(path)[None], verbose=0)[0]
    print(json.dumps({"file": path, "labels": labels, "probabilities": [float(p) for p in probs]}))
`,
  );
}

export function tflitePythonScript(spec: Preprocessing): string {
  return script(
    spec,
    'pip install tensorflow pillow, or ai-edge-litert pillow',
    `try:
    from ai_edge_litert.interpreter import Interpreter
except ImportError:
    import tensorflow as tf
    Interpreter = tf.lite.Interpreter
`,
    `interpreter = Interpreter(model_path=os.path.join(HERE, "model.tflite"))
interpreter.allocate_tensors()
inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
for path in sys.argv[1:]:
    interpreter.set_tensor(inp["index"], load(path)[None].astype(inp["dtype"]))
    interpreter.invoke()
    probs = interpreter.get_tensor(out["index"])[0].astype(np.float32)
    print(json.dumps({"file": path, "labels": labels, "probabilities": [float(p) for p in probs]}))
`,
  );
}

/** The script an export of `spec` ships, or null (Lanczos3 specs have no exact Python resize). */
export function pythonPredictFor(format: 'keras' | 'tflite', spec: Preprocessing): string | null {
  if (resamplingOf(spec) !== 'bilinear') return null;
  return format === 'keras' ? kerasPythonScript(spec) : tflitePythonScript(spec);
}

/** The README section showing the script. */
export function pythonPredictSection(script: string): string {
  return `## Python (\`predict.py\`, beside the model)

The photo is decoded and resized exactly as the studio does it (Pillow, EXIF orientation,
transparency on white, the studio's bilinear resize with half-pixel centres over Teachable
Machine's centre-crop arithmetic). Library resizes (Pillow's \`resize\`/\`ImageOps.fit\`) antialias and
give different pixels: use this \`resize\` instead.

\`\`\`python
${script.trimEnd()}
\`\`\`
`;
}
