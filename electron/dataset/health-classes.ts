// Health findings about classes and splits as a whole: what stops a training from starting or
// from being measured (an empty class, a class too small to train and validate, no test split).
import type { HealthFinding, Split } from '../domain/schemas.js';
import type { ClassRow } from '../domain/schemas.js';

/**
 * Fewer labeled photos than this per class trains a head that mostly guesses, and leaves one
 * or two images to validate it; two is the hard minimum (one to train, one to validate).
 */
export const FEW_IMAGES_PER_CLASS = 10;

interface Row {
  id: number;
  split: Split;
  classId: number | null;
}

type Make = (kind: HealthFinding['kind'], severity: HealthFinding['severity'], message: string, ids: readonly number[]) => HealthFinding;

export function classFindings(rows: readonly Row[], classes: readonly ClassRow[], make: Make): HealthFinding[] {
  const findings: HealthFinding[] = [];
  const byClass = new Map<number, number[]>(classes.map((c) => [c.id, []]));
  for (const r of rows) if (r.classId !== null) byClass.get(r.classId)?.push(r.id);

  for (const c of classes) {
    const ids = byClass.get(c.id) ?? [];
    if (ids.length === 0) {
      findings.push(make('empty_class', 'warning', `Class "${c.name}" has no images. Label some photos with it, or delete it: training needs images of every class.`, []));
    } else if (ids.length < 2) {
      findings.push(make('too_few_images', 'error', `Class "${c.name}" has only 1 photo: a class needs at least 2 (one to train, one to validate) and ${FEW_IMAGES_PER_CLASS} or more to learn well.`, ids));
    } else if (ids.length < FEW_IMAGES_PER_CLASS) {
      findings.push(make('too_few_images', 'warning', `Class "${c.name}" has only ${ids.length} photos: too few to train and validate it well. Add photos until it has at least ${FEW_IMAGES_PER_CLASS}.`, ids));
    }
  }

  const labeled = rows.filter((r) => r.classId !== null);
  if (labeled.length > 0 && !labeled.some((r) => r.split === 'test')) {
    findings.push(
      make(
        'no_test_split',
        'warning',
        'No labeled photo is in the test split, so the final accuracy can only be measured on validation photos, which training used to choose its epoch. Set a test share in the split settings (then assign splits) or move some photos to test.',
        [],
      ),
    );
  }
  return findings;
}
