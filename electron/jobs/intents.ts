// One job per intent. A job-starting request may carry a client key (made once per click by the
// page); a repeat of that key while its job is still starting or running gets the same answer
// instead of a second job or a "busy" error, so a double click or a retry after a lost reply
// does the thing once. After the job settles the key is forgotten and may start a new one.
import type { JobManager } from './job-manager.js';

interface Intent {
  answer: Promise<{ jobId: string }>;
  jobId: string | null;
}

export class IntentRegistry {
  private readonly intents = new Map<string, Intent>();

  constructor(private readonly jobs: Pick<JobManager, 'isRunning'>) {}

  /** Runs `start` once per (scope, key) while its job lives; without a key, every call starts. */
  once<T extends { jobId: string }>(scope: string, clientKey: string | undefined, start: () => T | Promise<T>): Promise<T> {
    if (clientKey === undefined) return Promise.resolve().then(start);
    this.forgetSettled();
    const key = `${scope}\u0000${clientKey}`;
    const known = this.intents.get(key);
    if (known) return known.answer as Promise<T>;
    const intent: Intent = { answer: Promise.resolve().then(start), jobId: null };
    this.intents.set(key, intent);
    intent.answer.then(
      (answer) => (intent.jobId = answer.jobId),
      // A refused start is not remembered: the same key may try again.
      () => this.intents.delete(key),
    );
    return intent.answer as Promise<T>;
  }

  private forgetSettled(): void {
    for (const [key, intent] of this.intents) if (intent.jobId !== null && !this.jobs.isRunning(intent.jobId)) this.intents.delete(key);
  }
}
