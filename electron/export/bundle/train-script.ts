// train.py of the training bundle: continues training the exported Keras model on a bigger
// machine — the head first with the backbone frozen, then the top of the backbone unfrozen at a
// small learning rate (BatchNormalization layers stay frozen, as Keras's transfer-learning guide
// advises) — under tf.distribute: MirroredStrategy over the GPUs of one machine, or
// MultiWorkerMirroredStrategy across machines when TF_CONFIG is set. It writes output/model.keras
// (same layout and layer names), labels.json, preprocessing.json and history.json. Photos are
// decoded and resized by the studio's own Python preprocessing (snippets.ts: Pillow with the EXIF
// orientation, the spec's resize), so the model trains on the input the studio gives it.
import type { Preprocessing } from '../../domain/schemas.js';
import { colourProfileOf, resamplingOf } from '../../engine/images/decode.js';
import { pythonPreprocessing } from '../model/snippets.js';

export const TRAIN_SCRIPT = 'train.py';

/**
 * Pillow's Lanczos over the same placement, for specs recorded before issue 22 ('lanczos3': the
 * studio resized with sharp's Lanczos3, which no Python library reproduces exactly; close, not equal).
 */
const LANCZOS_RESIZE = `
def resize_lanczos(img):
    """Specs from before the 'bilinear' resampling: Pillow's Lanczos over the studio's placement (close to sharp's Lanczos3, not equal)."""
    sw, sh, left, top = placement(*img.size)
    canvas = Image.new("RGB", (SIZE, SIZE))
    canvas.paste(img.resize((sw, sh), Image.LANCZOS), (-left, -top))
    return np.asarray(canvas, dtype=np.float32)


def load_lanczos(path):
    img = ImageOps.exif_transpose(Image.open(path))
    if img.mode in ("RGBA", "LA", "PA", "P"):
        img = img.convert("RGBA")
        img = Image.alpha_composite(Image.new("RGBA", img.size, (255, 255, 255, 255)), img)
    return resize_lanczos(img.convert("RGB"))
`;

export function trainScript(spec: Preprocessing): string {
  return `#!/usr/bin/env python3
"""Continue training a Transfer Studio model (see README.md).

One machine, all its GPUs:   python train.py
A cluster: on every worker   TF_CONFIG='{"cluster": {...}, "task": {"type": "worker", "index": N}}' python train.py
"""
import argparse, csv, io, json, math, os, tempfile

import numpy as np
import tensorflow as tf
import keras

try:
    from PIL import Image, ImageCms, ImageOps
except ImportError:
    raise SystemExit("train.py decodes photos as the studio does with Pillow: pip install pillow")

HERE = os.path.dirname(os.path.abspath(__file__))
# preprocessing.json: the model scales raw 0..255 pixels itself; the photos are decoded and resized
# exactly as the studio does (EXIF orientation, colour profile ${colourProfileOf(spec) === 'ignore' ? 'ignored' : 'to sRGB'}, transparency on white, "${resamplingOf(spec)}" resize).
SIZE, MODE, RESAMPLING = ${spec.inputSize}, "${spec.resizeMode}", "${resamplingOf(spec)}"


def arguments():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=HERE, help="folder the CSV's paths are relative to (default: this folder)")
    p.add_argument("--csv", default=os.path.join(HERE, "dataset.csv"))
    p.add_argument("--model", default=os.path.join(HERE, "model.keras"))
    p.add_argument("--out", default=os.path.join(HERE, "output"))
    p.add_argument("--head-epochs", type=int, default=10)
    p.add_argument("--fine-tune-epochs", type=int, default=10)
    p.add_argument("--unfreeze", type=int, default=30, help="backbone layers to unfreeze, counted from the top")
    p.add_argument("--batch-size", type=int, default=32, help="per replica")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--fine-tune-lr", type=float, default=1e-5)
    p.add_argument("--limit", type=int, default=0, help="only the first N rows per split (a quick trial run)")
    return p.parse_args()


def strategy():
    # TF_CONFIG names the cluster and this worker's place in it; without it, all local GPUs.
    if os.environ.get("TF_CONFIG"):
        return tf.distribute.MultiWorkerMirroredStrategy()
    return tf.distribute.MirroredStrategy()


def is_chief():
    config = json.loads(os.environ.get("TF_CONFIG") or "{}")
    task = config.get("task", {})
    return task.get("type", "chief") == "chief" or (task.get("type") == "worker" and task.get("index", 0) == 0 and "chief" not in config.get("cluster", {}))


def rows(args, labels):
    by_split = {}
    with open(args.csv, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["label"] not in labels:
                raise SystemExit(f"{args.csv}: label {row['label']!r} is not one of {labels}")
            by_split.setdefault(row["split"], []).append((os.path.join(args.data, row["path"]), labels.index(row["label"])))
    if args.limit:
        by_split = {k: v[: args.limit] for k, v in by_split.items()}
    return by_split


${pythonPreprocessing(colourProfileOf(spec))}${resamplingOf(spec) === 'lanczos3' ? LANCZOS_RESIZE : ''}

def load_image(path):
    """One photo as the model's input: SIZE x SIZE x 3 float32 values 0..255, as the studio makes it."""
    path = path.decode("utf-8") if isinstance(path, bytes) else path
    return ${resamplingOf(spec) === 'lanczos3' ? 'load_lanczos' : 'load'}(path).astype(np.float32)


def load_example(path, label):
    img = tf.numpy_function(load_image, [path], tf.float32)
    img.set_shape([SIZE, SIZE, 3])
    return img, label


def dataset(items, batch, shuffle):
    paths = [p for p, _ in items]
    ys = [y for _, y in items]
    ds = tf.data.Dataset.from_tensor_slices((paths, ys))
    if shuffle:
        ds = ds.shuffle(len(items), seed=0, reshuffle_each_iteration=True)
    return ds.map(load_example, num_parallel_calls=tf.data.AUTOTUNE).batch(batch).prefetch(tf.data.AUTOTUNE)


def compile_model(model, lr):
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])


def main():
    args = arguments()
    labels = json.load(open(os.path.join(HERE, "labels.json"), encoding="utf-8"))
    splits = rows(args, labels)
    if not splits.get("train"):
        raise SystemExit(f"{args.csv} has no rows in the train split")
    strat = strategy()
    batch = args.batch_size * strat.num_replicas_in_sync
    train = dataset(splits["train"], batch, True)
    val = dataset(splits["val"], batch, False) if splits.get("val") else None
    print(f"{strat.__class__.__name__}: {strat.num_replicas_in_sync} replica(s); {len(splits['train'])} train, {len(splits.get('val', []))} val images")

    with strat.scope():
        model = keras.models.load_model(args.model)
        compile_model(model, args.lr)
    history = {}
    if args.head_epochs > 0:
        # Phase 1: the head on the frozen backbone (the layers are frozen in model.keras).
        h = model.fit(train, validation_data=val, epochs=args.head_epochs, verbose=2)
        history["head"] = h.history
    if args.fine_tune_epochs > 0 and args.unfreeze > 0:
        # Phase 2: the top of the backbone too, slowly; BatchNormalization keeps its statistics.
        backbone = [l for l in model.layers if not l.name.startswith("head_") and l.name not in ("image", "input_scaling")]
        with strat.scope():
            for layer in backbone[-args.unfreeze:]:
                if not isinstance(layer, keras.layers.BatchNormalization) and layer.weights:
                    layer.trainable = True
            compile_model(model, args.fine_tune_lr)
        h = model.fit(train, validation_data=val, epochs=args.fine_tune_epochs, verbose=2)
        history["fine_tune"] = h.history

    # Every worker saves (collective ops need all of them); only the chief's copy is kept.
    out = args.out if is_chief() else tempfile.mkdtemp()
    os.makedirs(out, exist_ok=True)
    model.save(os.path.join(out, "model.keras"))
    if is_chief():
        for name in ("labels.json", "preprocessing.json"):
            with open(os.path.join(HERE, name), encoding="utf-8") as src, open(os.path.join(out, name), "w", encoding="utf-8") as dst:
                dst.write(src.read())
        json.dump({k: {m: [float(x) for x in v] for m, v in h.items()} for k, h in history.items()}, open(os.path.join(out, "history.json"), "w"), indent=2)
        print(f"wrote {os.path.join(out, 'model.keras')}")


if __name__ == "__main__":
    main()
`;
}
