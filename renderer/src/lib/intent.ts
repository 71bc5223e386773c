// One job per intent, the page's half: a button keeps one client key from its click until the
// job it started settles, so a double click (or a click while the first is still starting)
// sends the same key and the studio answers with the same job.
export class IntentKey {
  private key: string | null = null;

  /** The key of the intent in progress, or a new one. */
  current(): string {
    this.key ??= typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `k${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
    return this.key;
  }

  /** The job settled (or never started): the next click is a new intent. */
  release(): void {
    this.key = null;
  }
}
