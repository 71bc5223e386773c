// The model card: what the model is, what it was trained on and how, how well it does, its known
// limitations and the proof that the exported files predict as the studio did. Written as
// Markdown and HTML (same content) with confusion-matrix images beside them.
import fs from 'node:fs';
import path from 'node:path';
import type { ExportParity, SplitMetrics } from '../../domain/schemas.js';
import { toHtml, toMarkdown, type Block } from './blocks.js';
import type { CardData } from './card-data.js';
import { confusionSvg, svgToPng } from './confusion-image.js';

export const CARD_FILES = { markdown: 'model-card.md', html: 'model-card.html' } as const;

const fixed = (x: number, digits = 3) => x.toFixed(digits);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const date = (ms: number | Date | null) => (ms === null ? 'unknown' : new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC');

export function parityLine(p: ExportParity): string {
  const dp = p.maxAbs === null ? 'not a number' : p.maxAbs.toExponential(2);
  const top1 = p.top1Agreement === null ? 'n/a' : pct(p.top1Agreement);
  const verdict = p.judged ? (p.passed ? 'passed' : 'FAILED') : 'reported (quantized: the float32 target does not apply)';
  return `${p.examples} images (${p.split}), reloaded with ${p.runtime}: max |Δp| ${dp}, top-1 agreement ${top1}; target ${p.target}: ${verdict}.`;
}

function metricsBlocks(name: string, m: SplitMetrics, image: string | null): Block[] {
  return [
    { kind: 'heading', level: 3, text: `${name}: ${m.count} images` },
    { kind: 'paragraph', text: `Accuracy ${pct(m.accuracy)}, mean cross-entropy ${fixed(m.loss)}.` },
    {
      kind: 'table',
      headers: ['Class', 'Precision', 'Recall', 'F1', 'Images'],
      rows: m.perClass.map((c) => [c.name, fixed(c.precision), fixed(c.recall), fixed(c.f1), String(c.support)]),
    },
    ...(image ? [{ kind: 'image' as const, src: image, alt: `Confusion matrix on ${name.toLowerCase()}` }] : []),
  ];
}

export function cardBlocks(card: CardData, images: { val: string | null; test: string | null }): Block[] {
  const p = card.preprocessing;
  const totals = card.classes.reduce((t, c) => ({ train: t.train + c.train, val: t.val + c.val, test: t.test + c.test, unassigned: t.unassigned + c.unassigned }), { train: 0, val: 0, test: 0, unassigned: 0 });
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: `Model card: ${card.title}` },
    {
      kind: 'paragraph',
      text: `An image classifier for ${card.classes.length} classes trained by transfer learning in Transfer Studio (run ${card.runId}, model ${card.modelId}, trained ${date(card.trainedAt)}), exported as ${card.formatTitle}${card.quantization ? ` with ${card.quantization} weights` : ''} on ${date(card.exportedAt)}.`,
    },
    { kind: 'heading', level: 2, text: 'Model' },
    {
      kind: 'table',
      headers: ['', ''],
      rows: [
        ['Classes (output order)', card.classes.map((c) => c.name).join(', ')],
        ['Backbone', `${card.backbone.name} (${card.backbone.id}, ${card.backbone.format}, ${card.backbone.embeddingSize} features)`],
        ['Backbone licence', card.backbone.licence],
        ['Trained on', `${card.backend ?? 'unknown backend'}; embeddings by ${card.embedEngine ?? 'unknown'}`],
        ['Epochs', card.epochs === null ? 'unknown' : `${card.epochs} (best ${card.bestEpoch})`],
      ],
    },
    { kind: 'heading', level: 2, text: 'Input and preprocessing' },
    {
      kind: 'table',
      headers: ['', ''],
      rows: [
        ['Input', `[batch, ${p.inputSize}, ${p.inputSize}, 3] float32, RGB, NHWC`],
        ['Resize', `${p.resizeMode}: ${card.input.resize}`],
        ['Scaling', `${p.scaling}: ${card.input.scalingFormula}`],
        ['Orientation', card.input.exif],
        ['Transparency', card.input.alpha],
        ['Colour space', card.input.colourSpace],
      ],
    },
    { kind: 'heading', level: 2, text: 'Data' },
    { kind: 'paragraph', text: 'Labeled images per class and split, as in the project when this card was written.' },
    {
      kind: 'table',
      headers: ['Class', 'Train', 'Val', 'Test', 'Unassigned'],
      rows: [...card.classes.map((c) => [c.name, String(c.train), String(c.val), String(c.test), String(c.unassigned)]), ['Total', String(totals.train), String(totals.val), String(totals.test), String(totals.unassigned)]],
    },
  ];
  if (card.heldOutValidation) blocks.push({ kind: 'paragraph', text: 'The project has no val split: the run held out 15 % of each class of the training images for validation.' });
  blocks.push({ kind: 'heading', level: 2, text: 'Training' }, { kind: 'table', headers: ['Setting', 'Value'], rows: card.training });
  blocks.push({ kind: 'heading', level: 2, text: 'Metrics' });
  if (card.val) blocks.push(...metricsBlocks('Validation', card.val, images.val));
  if (card.test) blocks.push(...metricsBlocks('Test', card.test, images.test));
  if (!card.val && !card.test) blocks.push({ kind: 'paragraph', text: 'This run has no evaluated split.' });
  blocks.push({ kind: 'heading', level: 2, text: 'Parity with the studio' });
  if (card.parity) {
    blocks.push({
      kind: 'paragraph',
      text: `The exported files were loaded again in a fresh runtime and run on photos of the project through the same preprocessing spec; their probabilities were compared with the studio's own (backbone and head in tfjs). ${parityLine(card.parity)}`,
    });
    if (card.parity.stored) {
      blocks.push({
        kind: 'paragraph',
        text: `Against the predictions the studio stored when it trained (from cached float16 embeddings): ${card.parity.stored.compared} images, max |Δp| ${card.parity.stored.maxAbs.toExponential(2)}, top-1 agreement ${pct(card.parity.stored.top1Agreement)}.`,
      });
    }
  } else {
    blocks.push({ kind: 'paragraph', text: 'This card was written on its own, not with a model export.' });
  }
  if (card.earlierChecks.length) {
    blocks.push({
      kind: 'table',
      headers: ['Earlier export', 'When', 'Max |Δp|', 'Top-1 agreement', 'Result'],
      rows: card.earlierChecks.map((e) => [
        `${e.format}${e.parity.quantization ? ` (${e.parity.quantization})` : ''}`,
        date(e.createdAt),
        e.parity.maxAbs === null ? 'NaN' : e.parity.maxAbs.toExponential(2),
        e.parity.top1Agreement === null ? 'n/a' : pct(e.parity.top1Agreement),
        e.parity.judged ? (e.parity.passed ? 'passed' : 'failed') : 'reported',
      ]),
    });
  }
  blocks.push({ kind: 'heading', level: 2, text: 'Known limitations' }, { kind: 'list', items: card.limitations });
  if (card.files.length) blocks.push({ kind: 'heading', level: 2, text: 'Files' }, { kind: 'list', items: card.files });
  return blocks;
}

/** Writes the card (Markdown, HTML, confusion PNGs) into `dir`; returns the files written. */
export async function writeModelCard(dir: string, card: CardData): Promise<string[]> {
  const files: string[] = [];
  const image = async (split: 'val' | 'test', m: SplitMetrics | null): Promise<string | null> => {
    if (!m || m.count === 0) return null;
    const file = `confusion-${split}.png`;
    const title = `Confusion matrix, ${split === 'val' ? 'validation' : 'test'} (${m.count} images)`;
    fs.writeFileSync(path.join(dir, file), await svgToPng(confusionSvg(m.confusion, card.classes.map((c) => c.name), title)));
    files.push(file);
    return file;
  };
  const images = { val: await image('val', card.val), test: await image('test', card.test) };
  const blocks = cardBlocks(card, images);
  fs.writeFileSync(path.join(dir, CARD_FILES.markdown), toMarkdown(blocks));
  fs.writeFileSync(path.join(dir, CARD_FILES.html), toHtml(blocks, `Model card: ${card.title}`));
  files.push(CARD_FILES.markdown, CARD_FILES.html);
  return files;
}
