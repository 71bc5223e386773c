// "Known limitations" of a model card, derived from the run's own data and figures rather than
// boilerplate: how much its accuracy can be trusted, which classes are thin or weak, what the
// preprocessing throws away, and what a frozen ImageNet backbone cannot know.
import type { CardData } from './card-data.js';

/** Half-width of the 95 % Wilson interval of an accuracy measured on n images. */
export function accuracyMargin(accuracy: number, n: number): number {
  if (n <= 0) return 1;
  const z = 1.96;
  const denominator = 1 + (z * z) / n;
  return (z * Math.sqrt((accuracy * (1 - accuracy)) / n + (z * z) / (4 * n * n))) / denominator;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function knownLimitations(card: Omit<CardData, 'limitations'>): string[] {
  const out: string[] = [];
  const judged = card.test ?? card.val;
  const judgedName = card.test ? 'test' : 'validation';
  if (judged) {
    const margin = accuracyMargin(judged.accuracy, judged.count);
    out.push(`Accuracy ${pct(judged.accuracy)} was measured on ${judged.count} ${judgedName} images; with so few, the true accuracy lies within about ±${pct(margin)} (95 % interval).`);
  } else {
    out.push('The run has no validation or test figures: its accuracy is unknown.');
  }
  if (!card.test) {
    out.push(`There is no test split: the validation images also chose the early-stopping epoch, so the validation accuracy is somewhat optimistic.${card.heldOutValidation ? ' They were held out of the training images by the run (15 % per class), since the project has no val split.' : ''}`);
  }
  const thin = card.classes.filter((c) => c.train < 20);
  if (thin.length) out.push(`Few training images for ${thin.map((c) => `${c.name} (${c.train})`).join(', ')}: these classes are learned from little evidence.`);
  const counts = card.classes.map((c) => c.train).filter((n) => n > 0);
  if (counts.length > 1 && Math.max(...counts) / Math.min(...counts) >= 3) {
    out.push(`The training classes are imbalanced (largest/smallest = ${(Math.max(...counts) / Math.min(...counts)).toFixed(1)}); class weights ${card.training.some(([k, v]) => k === 'Class weights' && v === 'balanced') ? 'compensated during training, but rare classes remain less reliable' : 'were off'}.`);
  }
  const weakest = judged?.perClass.filter((c) => c.support > 0).sort((a, b) => a.f1 - b.f1)[0];
  if (weakest && judged && judged.perClass.length > 1 && weakest.f1 < 0.9) {
    out.push(`Weakest class on ${judgedName}: ${weakest.name} (F1 ${weakest.f1.toFixed(2)}, recall ${weakest.recall.toFixed(2)}, ${weakest.support} images).`);
  }
  out.push(`The model always answers one of its ${card.classes.length} classes; it has no "none of these" and will label any image, even one unlike its training photos.`);
  out.push(`The backbone (${card.backbone.name}) is frozen and was pretrained on ImageNet photographs; drawings, screenshots, medical or microscope images and other unusual inputs may be embedded poorly.`);
  if (card.preprocessing.resizeMode === 'center-crop') out.push('Images are centre-cropped to a square: whatever lies near the edges of a wide or tall photo is not seen.');
  if (card.preprocessing.resizeMode === 'squash') out.push('Images are squashed to a square: very wide or tall photos are distorted as in training, which the model expects.');
  if (card.quantization) out.push(`Weights are quantized to ${card.quantization}: predictions differ slightly from the studio's (see the parity figures).`);
  return out;
}
