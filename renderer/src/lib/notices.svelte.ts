// Messages for the user: errors (with what to do next) and short confirmations. Info and
// success dismiss themselves; errors stay until read, and the view collapses them into one
// stack with a count. An error may carry a tag (a job kind): starting the next job of that
// kind clears it, since it no longer describes the present.
import { explain } from './errors';
import type { JobKind } from './types';

export interface Notice {
  id: number;
  kind: 'error' | 'info' | 'success';
  message: string;
  hint: string | null;
  tag?: JobKind | undefined;
}

const INFO_MS = 3000;
const MAX_ERRORS = 20;

export class Notices {
  list = $state<Notice[]>([]);
  readonly errors = $derived(this.list.filter((n) => n.kind === 'error'));
  private next = 1;

  error(error: unknown, context?: string, tag?: JobKind): void {
    const { message, hint } = explain(error);
    this.push({ kind: 'error', message: context ? `${context}: ${message}` : message, hint, tag });
  }

  /** A short confirmation; it replaces the previous one rather than piling up. */
  info(message: string): void {
    this.transient('info', message);
  }

  success(message: string): void {
    this.transient('success', message);
  }

  dismiss(id: number): void {
    this.list = this.list.filter((n) => n.id !== id);
  }

  dismissErrors(): void {
    this.list = this.list.filter((n) => n.kind !== 'error');
  }

  /** A new job of this kind started: its kind's old errors are over. */
  clearTag(tag: JobKind): void {
    this.list = this.list.filter((n) => n.tag !== tag);
  }

  /** Runs an action, turning a failure into an error notice; returns undefined on failure. */
  async guard<T>(action: () => Promise<T>, context?: string, tag?: JobKind): Promise<T | undefined> {
    try {
      return await action();
    } catch (error) {
      this.error(error, context, tag);
      return undefined;
    }
  }

  private transient(kind: 'info' | 'success', message: string): void {
    this.list = this.list.filter((n) => n.kind === 'error');
    const id = this.push({ kind, message, hint: null });
    setTimeout(() => this.dismiss(id), INFO_MS);
  }

  private push(notice: Omit<Notice, 'id'>): number {
    const id = this.next++;
    // The same message twice is one notice, not a pile.
    const kept = this.list.filter((n) => n.message !== notice.message);
    const errors = kept.filter((n) => n.kind === 'error').slice(-(MAX_ERRORS - 1));
    this.list = [...kept.filter((n) => n.kind !== 'error' || errors.includes(n)), { ...notice, id }];
    return id;
  }
}
