// Why the Train button is disabled, in words, beside it: the first thing missing wins.
export interface TrainState {
  training: boolean;
  /** null while the studio has not answered yet. */
  labeledClasses: number | null;
  backbone: { name: string; ready: boolean; reason: string | null } | null;
}

export function trainBlockReason(s: TrainState): string | null {
  if (s.training) return null;
  if (s.labeledClasses !== null && s.labeledClasses < 2) {
    return s.labeledClasses === 0
      ? 'Nothing is labeled yet: label images of at least two classes (Library: number keys, or import class folders).'
      : 'Only one class has labeled images: label images of a second class (Library: number keys, or import class folders).';
  }
  if (s.backbone === null) return 'Checking the backbone…';
  if (!s.backbone.ready) return s.backbone.reason ?? `${s.backbone.name} is not on this computer.`;
  return null;
}
