// The preprocessing code an export ships for the 'bilinear' spec (issue 22), as text: each
// export README shows it and writes it beside the model as a runnable file (predict.mjs,
// predict.py), and the pipeline-parity tests and bench:export run exactly these texts. Each
// reproduces the studio's resize (engine/images/resample.ts): bilinear with half-pixel centres
// over Teachable Machine's centre-crop arithmetic, rounded half to even.
import type { ColourProfile, Preprocessing } from '../../domain/schemas.js';

type Mode = Preprocessing['resizeMode'];

/**
 * Plain JavaScript (browser or Node): `resize(data, width, height, channels)` takes decoded
 * pixels (RGB or RGBA rows, e.g. sharp's raw output or a canvas's ImageData) and returns the
 * model's input, SIZE × SIZE × 3 values 0..255 as a Float32Array.
 */
export function resizeJs(size: number, mode: Mode): string {
  return `const SIZE = ${size};
const MODE = '${mode}';

/** The studio's resize: bilinear, half-pixel centres, Teachable Machine's centre-crop arithmetic. */
function resize(data, width, height, channels) {
  let sw, sh, left, top;
  if (MODE === 'center-crop') {
    const s = SIZE / Math.min(width, height);
    sw = Math.ceil(width * s); sh = Math.ceil(height * s);
    left = Math.floor((sw - SIZE) / 2); top = Math.floor((sh - SIZE) / 2);
  } else if (MODE === 'squash') {
    sw = sh = SIZE; left = top = 0;
  } else {
    const s = SIZE / Math.max(width, height);
    sw = Math.min(SIZE, Math.max(1, Math.round(width * s))); sh = Math.min(SIZE, Math.max(1, Math.round(height * s)));
    left = -Math.floor((SIZE - sw) / 2); top = -Math.floor((SIZE - sh) / 2);
  }
  const tap = (i, scaled, n) => {
    const at = (i + 0.5) * (n / scaled) - 0.5, f = Math.floor(at);
    return [Math.min(n - 1, Math.max(0, f)), Math.min(n - 1, Math.max(0, f + 1)), at - f];
  };
  const out = new Float32Array(SIZE * SIZE * 3); // black where the image does not reach (letterbox)
  for (let y = 0; y < SIZE; y++) {
    if (y + top < 0 || y + top >= sh) continue;
    const [y0, y1, fy] = tap(y + top, sh, height);
    for (let x = 0; x < SIZE; x++) {
      if (x + left < 0 || x + left >= sw) continue;
      const [x0, x1, fx] = tap(x + left, sw, width);
      for (let c = 0; c < 3; c++) {
        const p = (yy, xx) => data[(yy * width + xx) * channels + c];
        const t = p(y0, x0) + (p(y0, x1) - p(y0, x0)) * fx;
        const b = p(y1, x0) + (p(y1, x1) - p(y1, x0)) * fx;
        const v = Math.fround(t + (b - t) * fy), r = Math.round(v);
        out[(y * SIZE + x) * 3 + c] = r - v === 0.5 && r % 2 ? r - 1 : r; // float32, half to even
      }
    }
  }
  return out;
}`;
}

/** sharp's input options in the READMEs' Node code: the stored values when the spec ignores profiles. */
export function sharpInput(colour: ColourProfile): string {
  return colour === 'ignore' ? ', { ignoreIcc: true }' : '';
}

/** Node: decode with sharp as the studio does, resize, run the ONNX model; prints JSON lines. */
export function onnxNodeScript(size: number, mode: Mode, colour: ColourProfile): string {
  return `// node predict.mjs photo.jpg [more.jpg ...]   (npm install onnxruntime-node sharp)
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import sharp from 'sharp';

${resizeJs(size, mode)}

/** Decoded as the studio decodes: EXIF orientation applied, transparency on white, ${colour === 'ignore' ? 'embedded colour profile ignored (values as stored)' : 'sRGB'}. */
async function load(file) {
  const { data, info } = await sharp(file${sharpInput(colour)}).rotate().flatten({ background: '#ffffff' }).toColourspace('srgb').raw()
    .toBuffer({ resolveWithObject: true });
  return resize(data, info.width, info.height, info.channels);
}

const here = (name) => fileURLToPath(new URL(name, import.meta.url));
const session = await ort.InferenceSession.create(here('model.onnx'));
const labels = JSON.parse(fs.readFileSync(here('labels.json'), 'utf8'));
for (const file of process.argv.slice(2)) {
  const image = new ort.Tensor('float32', await load(file), [1, SIZE, SIZE, 3]);
  const { probabilities } = await session.run({ image });
  console.log(JSON.stringify({ file, labels, probabilities: Array.from(probabilities.data) }));
}
`;
}

/** Python's colour step: none for specs that ignore profiles (Pillow decodes the stored values). */
const PYTHON_TO_SRGB = `
    icc = img.info.get("icc_profile")
    if icc and img.mode in ("RGB", "RGBA", "CMYK"):  # Pillow keeps the raw values; the studio converts
        out = "RGBA" if img.mode == "RGBA" else "RGB"
        img = ImageCms.profileToProfile(img, ImageCms.ImageCmsProfile(io.BytesIO(icc)), ImageCms.createProfile("sRGB"), outputMode=out)`;

/**
 * Python: \`load(path)\` (Pillow decode, EXIF orientation, colour profile ignored or converted to sRGB by the spec, alpha on white) and \`resize(a)\` (the
 * studio's resize in numpy), SIZE and MODE given by the script around it; the ONNX predict.py and
 * the training bundle's train.py both use this text; the script around it imports io, math, numpy
 * as np and Image, ImageCms, ImageOps from PIL.
 */
export function pythonPreprocessing(colour: ColourProfile): string {
  return `def load(path):
    """Decoded as the studio decodes: EXIF orientation applied, ${colour === 'ignore' ? 'embedded colour profile ignored\n    (the values as stored)' : 'embedded colour profile to sRGB'}, transparency on white."""
    img = ImageOps.exif_transpose(Image.open(path))${colour === 'ignore' ? '' : PYTHON_TO_SRGB}
    if img.mode in ("RGBA", "LA", "PA", "P"):
        img = img.convert("RGBA")
        img = Image.alpha_composite(Image.new("RGBA", img.size, (255, 255, 255, 255)), img)
    return resize(np.asarray(img.convert("RGB"), dtype=np.float64))


def placement(w, h):
    """Where the studio puts a w x h photo: its scaled size and the SIZE x SIZE window's offset
    (Teachable Machine's centre crop arithmetic, a squash, or a letterbox)."""
    if MODE == "center-crop":
        s = SIZE / min(w, h)
        sw, sh = math.ceil(w * s), math.ceil(h * s)
        left, top = (sw - SIZE) // 2, (sh - SIZE) // 2
    elif MODE == "squash":
        sw = sh = SIZE
        left = top = 0
    else:
        s = SIZE / max(w, h)
        sw, sh = min(SIZE, max(1, math.floor(w * s + 0.5))), min(SIZE, max(1, math.floor(h * s + 0.5)))
        left, top = -((SIZE - sw) // 2), -((SIZE - sh) // 2)
    return sw, sh, left, top


def resize(a):
    """The studio's resize: bilinear, half-pixel centres, Teachable Machine's centre crop."""
    h, w = a.shape[:2]
    sw, sh, left, top = placement(w, h)

    def taps(i, scaled, n):
        at = (i + 0.5) * (n / scaled) - 0.5
        f = np.floor(at)
        return np.clip(f, 0, n - 1).astype(int), np.clip(f + 1, 0, n - 1).astype(int), at - f

    ys, xs = np.arange(SIZE) + top, np.arange(SIZE) + left
    ry, rx = (ys >= 0) & (ys < sh), (xs >= 0) & (xs < sw)
    y0, y1, fy = taps(ys[ry], sh, h)
    x0, x1, fx = taps(xs[rx], sw, w)
    fx, fy = fx[None, :, None], fy[:, None, None]
    t = a[y0][:, x0] + (a[y0][:, x1] - a[y0][:, x0]) * fx
    b = a[y1][:, x0] + (a[y1][:, x1] - a[y1][:, x0]) * fx
    out = np.zeros((SIZE, SIZE, 3), np.float32)  # black where the image does not reach (letterbox)
    out[np.ix_(ry, rx)] = np.rint((t + (b - t) * fy).astype(np.float32))  # float32, half to even
    return out
`;
}

/** Python: Pillow decode, numpy resize, onnxruntime; prints JSON lines. */
export function onnxPythonScript(size: number, mode: Mode, colour: ColourProfile): string {
  return `# python predict.py photo.jpg [more.jpg ...]   (pip install onnxruntime pillow numpy)
import io, json, math, os, sys
import numpy as np, onnxruntime as ort
from PIL import Image, ImageCms, ImageOps

SIZE, MODE = ${size}, "${mode}"
HERE = os.path.dirname(os.path.abspath(__file__))


${pythonPreprocessing(colour)}

session = ort.InferenceSession(os.path.join(HERE, "model.onnx"))
labels = json.load(open(os.path.join(HERE, "labels.json")))
for path in sys.argv[1:]:
    probs = session.run(["probabilities"], {"image": load(path)[None]})[0][0]
    print(json.dumps({"file": path, "labels": labels, "probabilities": [float(p) for p in probs]}))
`;
}

/**
 * Browser: \`decodePhoto(source)\` decodes a photo's file (a URL, a File or a Blob) as the studio
 * does for specs that ignore colour profiles: EXIF orientation applied, the stored values
 * (colorSpaceConversion 'none'; an <img> would be converted to the screen's sRGB, rounded the
 * browser's own way). Empty for specs that convert (they take the <img>).
 */
function decodePhotoJs(colour: ColourProfile): string {
  if (colour !== 'ignore') return '';
  return `
/** A photo (URL, File or Blob) decoded as the studio decodes it: EXIF orientation applied, colour profile ignored. */
async function decodePhoto(source) {
  const blob = source instanceof Blob ? source : await (await fetch(source)).blob();
  return createImageBitmap(blob, { imageOrientation: 'from-image', colorSpaceConversion: 'none' });
}
`;
}

/** How a README's page gets the decoded photo the snippets take. */
export function decodedPhotoJs(colour: ColourProfile): string {
  return colour === 'ignore'
    ? "const photo = await decodePhoto('photo.jpg'); // EXIF applied, colour profile ignored, as the studio decodes"
    : "const photo = new Image(); // the browser applies the EXIF orientation when decoding\n  photo.src = 'photo.jpg';\n  await photo.decode();";
}

/**
 * Browser, TF.js 4: \`toInput(photo)\` turns a decoded photo (decodePhoto's ImageBitmap, or an
 * <img> for specs that convert colour profiles) into the model's [1, SIZE, SIZE, 3] input:
 * tf.browser.fromPixels at the photo's natural size, then the studio's resize in plain
 * JavaScript, exact on every backend (tf.image.resizeBilinear with half-pixel centres computes
 * the same kernel, but wasm and WebGL round some pixels differently).
 */
export function tfjsBrowserSnippet(size: number, mode: Mode, colour: ColourProfile): string {
  return `${resizeJs(size, mode)}
${decodePhotoJs(colour)}
/** A decoded photo (at its natural size, no CSS size) as the model's input, resized as the studio does. */
function toInput(photo) {
  const pixels = tf.browser.fromPixels(photo); // [height, width, 3]: the whole photo, EXIF applied
  const [height, width] = pixels.shape;
  const input = resize(pixels.dataSync(), width, height, 3);
  pixels.dispose();
  return tf.tensor4d(input, [1, SIZE, SIZE, 3]);
}`;
}

/**
 * Browser, any TF.js (Teachable Machine's library needs 1.3.1, whose resizeBilinear has no
 * half-pixel centres): the studio's resize in plain JavaScript onto a SIZE × SIZE canvas, which
 * Teachable Machine's predict() then takes as it is (its crop of a canvas of its input size is
 * the identity).
 */
export function teachableBrowserSnippet(size: number, mode: Mode, colour: ColourProfile): string {
  return `${resizeJs(size, mode)}
${decodePhotoJs(colour)}
/** A decoded photo resized as the studio does, on a ${size}x${size} canvas for model.predict(). */
function studioCanvas(photo) {
  const full = document.createElement('canvas');
  full.width = photo.naturalWidth || photo.width; full.height = photo.naturalHeight || photo.height;
  const fctx = full.getContext('2d');
  fctx.fillStyle = '#fff'; fctx.fillRect(0, 0, full.width, full.height); // transparency on white
  fctx.drawImage(photo, 0, 0);
  const input = resize(fctx.getImageData(0, 0, full.width, full.height).data, full.width, full.height, 4);
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = SIZE;
  const ctx = canvas.getContext('2d');
  const out = ctx.createImageData(SIZE, SIZE);
  for (let i = 0; i < SIZE * SIZE; i++) {
    out.data.set([input[i * 3], input[i * 3 + 1], input[i * 3 + 2], 255], i * 4);
  }
  ctx.putImageData(out, 0, 0);
  return canvas;
}`;
}
