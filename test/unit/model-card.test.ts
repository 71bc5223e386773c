// The model card from known data: every section present, user text (class and project names)
// escaped in both renderings, limitations derived from the figures, and the confusion image.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { toHtml, toMarkdown } from '../../electron/export/card/blocks.js';
import { headDescription, type CardData } from '../../electron/export/card/card-data.js';
import { confusionSvg, svgToPng } from '../../electron/export/card/confusion-image.js';
import { accuracyMargin, knownLimitations } from '../../electron/export/card/limitations.js';
import { cardBlocks, parityLine } from '../../electron/export/card/model-card.js';
import type { ExportParity, SplitMetrics } from '../../electron/domain/schemas.js';

const names = ['cats | dogs', '<script>alert(1)</script>', 'bird*s'];

const metrics = (count: number, confusion: number[][]): SplitMetrics => ({
  count,
  accuracy: confusion.reduce((a, r, i) => a + r[i]!, 0) / count,
  loss: 0.31,
  perClass: names.map((name, c) => ({ classId: c + 1, name, precision: 0.9, recall: c === 2 ? 0.5 : 0.95, f1: c === 2 ? 0.6 : 0.92, support: confusion[c]!.reduce((a, b) => a + b, 0) })),
  confusion,
  topLosses: [],
});

const parity: ExportParity = {
  kind: 'probabilities', examples: 32, maxAbs: 3.2e-6, scale: 1, maxRel: 3.2e-6, top1Agreement: 1, passed: true, target: 'max |Δp| ≤ 0.0001 and 100% top-1 agreement',
  judged: true, runtime: 'onnxruntime-node 1.30.0', quantization: null, split: 'val', images: [], stored: { compared: 32, maxAbs: 1e-4, top1Agreement: 1 }, ms: 900,
};

function card(overrides: Partial<CardData> = {}): CardData {
  const base: Omit<CardData, 'limitations'> = {
    title: 'pets & <friends>: run 3', projectName: 'pets', runId: 3, modelId: 4, trainedAt: Date.UTC(2026, 10, 1), exportedAt: new Date(Date.UTC(2026, 10, 2)),
    format: 'onnx', formatTitle: 'ONNX model', quantization: null,
    backbone: { id: 'mobilenet-v2-0.35-224', name: 'MobileNetV2 0.35', description: '', licence: 'Apache-2.0', format: 'TF.js LayersModel', embeddingSize: 1280 },
    preprocessing: { inputSize: 224, resizeMode: 'center-crop', scaling: 'minus1to1' },
    input: { inputSize: 224, resizeMode: 'center-crop', scaling: 'minus1to1', inputScaling: 'external', input: '', layout: 'NHWC', channelOrder: 'RGB', dtype: 'float32', exif: 'apply the EXIF orientation', alpha: 'white', colourSpace: 'sRGB', resize: 'centre crop', scalingFormula: 'x / 127.5 - 1', backboneId: 'b', labels: names },
    training: [['Class weights', 'balanced']], backend: 'wasm', embedEngine: 'onnxruntime', bestEpoch: 7, epochs: 12,
    classes: [
      { classId: 1, name: names[0]!, train: 80, val: 20, test: 0, unassigned: 0 },
      { classId: 2, name: names[1]!, train: 60, val: 20, test: 0, unassigned: 0 },
      { classId: 3, name: names[2]!, train: 9, val: 10, test: 0, unassigned: 2 },
    ],
    heldOutValidation: false,
    val: metrics(50, [[19, 1, 0], [1, 19, 0], [2, 3, 5]]),
    test: null, parity, earlierChecks: [], files: ['model.onnx'],
  };
  const data = { ...base, limitations: [], ...overrides } as CardData;
  data.limitations = knownLimitations(data);
  return data;
}

describe('model card', () => {
  it('derives limitations from the figures', () => {
    expect(accuracyMargin(0.95, 40)).toBeCloseTo(0.0756, 3);
    expect(accuracyMargin(0.5, 10_000)).toBeCloseTo(0.0098, 3);
    const text = card().limitations.join('\n');
    expect(text).toMatch(/Accuracy 86\.0 % was measured on 50 validation images; .* ±9\.\d %/);
    expect(text).toMatch(/There is no test split/);
    expect(text).toMatch(/Few training images for bird\*s \(9\)/);
    expect(text).toMatch(/imbalanced \(largest\/smallest = 8\.9\); class weights compensated/);
    expect(text).toMatch(/Weakest class on validation: bird\*s \(F1 0\.60/);
    expect(text).toMatch(/no "none of these"/);
    expect(text).toMatch(/centre-cropped/);
  });

  it('renders the same content as Markdown and HTML, escaping user text in both', () => {
    const blocks = cardBlocks(card(), { val: 'confusion-val.png', test: null });
    const md = toMarkdown(blocks);
    const html = toHtml(blocks, 'Model card');
    for (const heading of ['Model', 'Input and preprocessing', 'Data', 'Training', 'Metrics', 'Parity with the studio', 'Known limitations', 'Files']) {
      expect(md).toContain(`## ${heading}`);
      expect(html).toContain(`<h2>${heading}</h2>`);
    }
    // A "|" in a class name must not split a table cell, "<script>" must not become markup.
    expect(md).toContain('| cats \\| dogs | 80 | 20 | 0 | 0 |');
    expect(md).toContain('\\<script\\>alert(1)\\</script\\>');
    expect(md).toContain('bird\\*s');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<title>Model card</title>');
    expect(md).toMatch(/32 images \(val\), reloaded with onnxruntime-node 1\.30\.0: max \|Δp\| 3\.20e-6, top-1 agreement 100\.0 %; .*: passed\./);
    expect(md).toContain('![Confusion matrix on validation](confusion-val.png)');
    expect(md).toContain('| Total | 149 | 50 | 0 | 2 |');
  });

  it('says when a quantized export is only reported and when a check failed', () => {
    expect(parityLine({ ...parity, quantization: 'float16', judged: false, passed: false })).toMatch(/reported \(quantized/);
    expect(parityLine({ ...parity, maxAbs: null, passed: false })).toMatch(/not a number.*FAILED/);
  });

  it('draws the confusion matrix: one cell per pair, names escaped, a PNG sharp can read', async () => {
    const svg = confusionSvg(card().val!.confusion, names, 'Confusion <val>');
    expect(svg.match(/<rect x=/g)).toHaveLength(9);
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('Confusion &lt;val&gt;');
    const png = await svgToPng(svg);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    // Correct cells are blue, mistakes red: the image is not blank.
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    let blue = 0;
    for (let i = 0; i < data.length; i += info.channels) if (data[i + 2]! > 200 && data[i]! < 100) blue++;
    expect(blue).toBeGreaterThan(500);
  });
});

describe("the card's head row", () => {
  const config = { hiddenUnits: 128, dropout: 0.3 };
  it('describes the layers the run saved: the chosen head, a refit ensemble merged side by side', () => {
    // Runs before head selection: the configured head.
    expect(headDescription(config, 3, undefined)).toBe('dense 128 (ReLU) → dropout 0.3 → dense 3 (softmax)');
    // Softmax regression chosen over the configured MLP: no hidden layer, no dropout.
    expect(headDescription(config, 3, { chosen: { kind: 'linear', param: 1e-4 } })).toBe('dense 3 (softmax)');
    // A refit of 3 seeded MLPs: one dense layer of 3 x 128 units.
    expect(headDescription(config, 3, { chosen: { kind: 'mlp', param: 128 }, refitMembers: 3 })).toBe(
      'dense 384 (ReLU) → dropout 0.3 → dense 3 (softmax): 3 MLPs of 128 hidden units trained with different seeds, merged into one (their averaged logits)',
    );
    expect(headDescription(config, 2, { chosen: { kind: 'linear', param: 1e-3 }, refitMembers: 3 })).toMatch(/^dense 2 \(softmax\): 3 softmax regressions/);
    // A warm-started retrain: the same layers, trained further from an earlier run's head.
    expect(headDescription(config, 3, { chosen: { kind: 'mlp', param: 128 }, refitMembers: 3, warmStart: { fromRun: 4, epochs: 1 } })).toMatch(
      /^dense 384 \(ReLU\).*averaged logits\); this run started from run 4's head and trained it 1 more epoch on all its training photos$/,
    );
  });
});
