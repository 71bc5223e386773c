// Python's TensorFlow as a referee for the TFLite and Keras exports: tf.lite.Interpreter and
// keras.models.load_model are the runtimes users run those files in. Test-time only (the studio
// never calls Python); where `python3 -c "import tensorflow"` fails, callers skip with a visible
// message. Inputs and outputs pass as raw float32 files, one Python process per call.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PYTHON = process.env.STUDIO_PYTHON ?? 'python3';
let availability: { version: string } | { missing: string } | null = null;

/** TensorFlow's version, or null with a printed reason when Python's TensorFlow is absent. */
export function pythonTensorflow(): string | null {
  availability ??= (() => {
    const r = spawnSync(PYTHON, ['-c', 'import os; os.environ["TF_CPP_MIN_LOG_LEVEL"]="3"; import tensorflow as tf, keras; print(tf.__version__, keras.__version__)'], { encoding: 'utf8', timeout: 300_000 });
    if (r.status === 0) return { version: r.stdout.trim().split(/\s+/).join(' / keras ') };
    return { missing: `${PYTHON} cannot import tensorflow (${(r.stderr || r.error?.message || '').trim().split('\n').pop()}); install it with "python3 -m pip install tensorflow-cpu"` };
  })();
  if ('missing' in availability) {
    console.warn(`[python-tf] skipped: ${availability.missing}`);
    return null;
  }
  return availability.version;
}

/** Runs `script` (Python source) with argv [work dir, ...args]; returns its stdout. */
export function runPython(script: string, args: string[], work: string): string {
  const file = path.join(work, 'referee.py');
  fs.writeFileSync(file, script);
  const r = spawnSync(PYTHON, [file, work, ...args], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '' } });
  if (r.status !== 0) throw new Error(`Python referee failed (${r.status ?? r.signal}): ${r.stderr.split('\n').slice(-15).join('\n')}`);
  return r.stdout;
}

const TFLITE_SCRIPT = `
import sys, numpy as np, tensorflow as tf
work, model, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
it = tf.lite.Interpreter(model_path=model)
it.allocate_tensors()
i, o = it.get_input_details()[0], it.get_output_details()[0]
raw = np.fromfile(work + '/input.f32', dtype=np.float32).reshape([count] + list(i['shape'][1:]))
outs = []
for x in raw:
    it.set_tensor(i['index'], x[None].astype(i['dtype']))
    it.invoke()
    outs.append(it.get_tensor(o['index'])[0].astype(np.float32))
np.array(outs, dtype=np.float32).tofile(work + '/output.f32')
print(tf.__version__, i['dtype'].__name__, o['dtype'].__name__)
`;

/** Raw RGB 0..255 NHWC through a .tflite file in tf.lite.Interpreter, one image per invoke. */
export function runTfliteInPython(model: string, raw: Float32Array, count: number): { output: Float32Array; runtime: string } {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-tflite-referee-'));
  try {
    fs.writeFileSync(path.join(work, 'input.f32'), Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
    const [version] = runPython(TFLITE_SCRIPT, [model, String(count)], work).trim().split(' ');
    const bytes = fs.readFileSync(path.join(work, 'output.f32'));
    return { output: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)), runtime: `tf.lite.Interpreter (TensorFlow ${version})` };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const KERAS_SCRIPT = `
import sys, json, numpy as np, keras
work, model_path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
model = keras.models.load_model(model_path)
shape = [count] + list(model.inputs[0].shape[1:])
raw = np.fromfile(work + '/input.f32', dtype=np.float32).reshape(shape)
model.predict(raw, verbose=0).astype(np.float32).tofile(work + '/output.f32')
print(json.dumps({"keras": keras.__version__, "layers": [[l.name, l.__class__.__name__, bool(l.trainable)] for l in model.layers]}))
`;

/** Raw RGB 0..255 NHWC through keras.models.load_model(file).predict. */
export function runKerasInPython(model: string, raw: Float32Array, count: number): { output: Float32Array; runtime: string; layers: Array<[string, string, boolean]> } {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-keras-referee-'));
  try {
    fs.writeFileSync(path.join(work, 'input.f32'), Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
    const lines = runPython(KERAS_SCRIPT, [model, String(count)], work).trim().split('\n');
    const info = JSON.parse(lines[lines.length - 1]!) as { keras: string; layers: Array<[string, string, boolean]> };
    const bytes = fs.readFileSync(path.join(work, 'output.f32'));
    return { output: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)), runtime: `keras.models.load_model (Keras ${info.keras})`, layers: info.layers };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
