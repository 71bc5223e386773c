// Leaving a screen with unsaved edits asks first. A screen registers a check that returns the
// question while something is unsaved; the navigation asks every registered check.
const checks = new Set<() => string | null>();

/** Registers a check for as long as the screen lives; returns its removal (an $effect cleanup). */
export function guardLeaving(check: () => string | null): () => void {
  checks.add(check);
  return () => checks.delete(check);
}

/** True when nothing is unsaved, or the person agreed to leave it. */
export function mayLeave(ask: (question: string) => boolean = (q) => window.confirm(q)): boolean {
  for (const check of checks) {
    const question = check();
    if (question && !ask(question)) return false;
  }
  return true;
}
