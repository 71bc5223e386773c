// The validation set a run carves from its training images when the project has none.
import { seededRandom, shuffleInPlace } from '../images/random.js';

/** Where a run takes its validation set when the project has none: 15 % of train, per class. */
export function holdOutValidation<T extends { label: number }>(train: readonly T[], seed: number): { train: T[]; val: T[] } {
  const byClass = new Map<number, T[]>();
  for (const e of train) byClass.set(e.label, [...(byClass.get(e.label) ?? []), e]);
  const val: T[] = [];
  const rest: T[] = [];
  for (const [label, members] of byClass) {
    shuffleInPlace(members, seededRandom(`${seed}:holdout:${label}`));
    const n = members.length >= 3 ? Math.max(1, Math.round(members.length * 0.15)) : 0;
    val.push(...members.slice(0, n));
    rest.push(...members.slice(n));
  }
  return { train: rest, val };
}
