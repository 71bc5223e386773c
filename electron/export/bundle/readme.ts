// The README of a training bundle: running train.py on one GPU machine and on a cluster.

export function bundleReadme(title: string, labels: string[], images: number): string {
  return `# ${title}: training bundle

Continue training this model where there is more compute. The bundle holds:

- \`model.keras\`: the studio's model (Keras 3): raw 0..255 RGB in, the backbone frozen, the head trained.
- \`images/\` and \`dataset.csv\`: ${images} labeled photos of ${labels.map((l) => JSON.stringify(l)).join(', ')}; \`path\` is relative to this folder, \`split\` is the studio's train/val/test.
- \`labels.json\`, \`preprocessing.json\`: class order and how an image becomes the model's input.
- \`train.py\`: two phases — the head with the backbone frozen, then the top \`--unfreeze\` backbone
  layers at a small learning rate (BatchNormalization stays frozen) — under \`tf.distribute\`.

Requirements: Python 3.10+, \`pip install tensorflow pillow\` (TensorFlow 2.16 or later, Keras 3). \`train.py\` decodes
and resizes each photo exactly as the studio does (Pillow, EXIF orientation applied, the studio's resize from
\`preprocessing.json\`; projects made before the 'bilinear' resampling get Pillow's Lanczos, close to the studio's, not equal).

## One machine (CPU or several GPUs)

\`\`\`sh
python train.py                       # MirroredStrategy over every visible GPU
python train.py --head-epochs 5 --fine-tune-epochs 10 --unfreeze 40 --batch-size 64
python train.py --head-epochs 1 --fine-tune-epochs 0 --limit 16   # a quick trial
\`\`\`

\`--batch-size\` is per GPU. The result is \`output/model.keras\` (same layer names and input), with
\`labels.json\`, \`preprocessing.json\` and \`history.json\` beside it.

## A cluster (MultiWorkerMirroredStrategy)

Copy this folder to every machine (or mount it), then start the same command on each with its own
\`TF_CONFIG\`:

\`\`\`sh
TF_CONFIG='{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 0}}' python train.py
TF_CONFIG='{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 1}}' python train.py
\`\`\`

Worker 0 is the chief: its \`output/\` holds the model. Use \`--data\` when the images live elsewhere
(the CSV's paths are relative to it).

## Back into the studio

\`output/model.keras\` has the layout the studio writes. In the studio, Export → "Bring a trained model back"
(or \`transfer-studio import-keras PROJECT output/model.keras\`) imports it as a new run, evaluated on the
project's validation and test photos like a run trained there, and exportable again. Keep
\`preprocessing.json\` beside it. A run stores the head alone on the studio's frozen backbone, so a model
whose backbone layers were fine-tuned (\`--fine-tune-epochs\` > 0) is refused with the layers it changed:
train with \`--fine-tune-epochs 0\` to bring the result back, or deploy the fine-tuned \`model.keras\` directly.
`;
}
