// The re-splits bench:selection and refit-variants.ts judge heads on: a dataset's photos pooled
// and split again, so that a figure is an expectation over splits, not one fixed test split.
import { seededRandom, shuffleInPlace } from '../../electron/engine/images/random.js';
import type { Example } from '../../electron/project/examples.js';

/** Re-split `r`: a stratified 80/20 split of the pooled photos, seeded by r. */
export function resplit(examples: readonly Example[], r: number): { train: Example[]; test: Example[] } {
  const byClass = new Map<number, Example[]>();
  for (const e of examples) byClass.set(e.label, [...(byClass.get(e.label) ?? []), e]);
  const train: Example[] = [];
  const test: Example[] = [];
  for (const [label, members] of [...byClass.entries()].sort((a, b) => a[0] - b[0])) {
    shuffleInPlace(members, seededRandom(`resplit-${r}:${label}`));
    const n = Math.round(members.length * 0.2);
    test.push(...members.slice(0, n));
    train.push(...members.slice(n));
  }
  return { train, test };
}
