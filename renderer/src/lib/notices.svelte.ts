// Messages for the user: errors (with what to do next) and short confirmations.
import { explain } from './errors';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  message: string;
  hint: string | null;
}

const INFO_MS = 3000;

export class Notices {
  list = $state<Notice[]>([]);
  private next = 1;

  error(error: unknown, context?: string): void {
    const { message, hint } = explain(error);
    this.push({ kind: 'error', message: context ? `${context}: ${message}` : message, hint });
  }

  /** A short confirmation; it replaces the previous one rather than piling up. */
  info(message: string): void {
    this.list = this.list.filter((n) => n.kind !== 'info');
    const id = this.push({ kind: 'info', message, hint: null });
    setTimeout(() => this.dismiss(id), INFO_MS);
  }

  dismiss(id: number): void {
    this.list = this.list.filter((n) => n.id !== id);
  }

  /** Runs an action, turning a failure into an error notice; returns undefined on failure. */
  async guard<T>(action: () => Promise<T>, context?: string): Promise<T | undefined> {
    try {
      return await action();
    } catch (error) {
      this.error(error, context);
      return undefined;
    }
  }

  private push(notice: Omit<Notice, 'id'>): number {
    const id = this.next++;
    // The same message twice in a row is one notice, not a pile.
    this.list = [...this.list.filter((n) => n.message !== notice.message), { ...notice, id }].slice(-5);
    return id;
  }
}
