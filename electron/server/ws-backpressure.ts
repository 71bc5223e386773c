// Backpressure for one WebSocket connection. A client that keeps sending requests but never
// reads the answers would otherwise make the server hold every answer in memory (60,000 page
// requests took a server to 2.1 GB). The server stops reading from such a connection while
// its unsent answers pass a limit, or too many requests are still being answered, and reads
// again once the client has caught up; TCP then pushes back on the client. A connection whose
// unsent data still grows past a hard limit (events pile up too) is closed.
import type { WebSocket } from 'ws';

export interface BackpressureLimits {
  /** Unsent bytes above which reading pauses. */
  highBytes: number;
  /** Unsent bytes below which reading resumes. */
  lowBytes: number;
  /** Requests read but not yet answered above which reading pauses. */
  maxInFlight: number;
  /** Unsent bytes above which the connection is closed. */
  closeBytes: number;
}

export const DEFAULT_BACKPRESSURE: BackpressureLimits = {
  highBytes: 4 * 1024 * 1024,
  lowBytes: 1024 * 1024,
  maxInFlight: 64,
  closeBytes: 64 * 1024 * 1024,
};

/** Close code for a client too slow to read (RFC 6455: 1008 policy violation). */
export const CLOSE_NOT_READING = 1008;

export class Backpressure {
  private unsent = 0;
  private inFlight = 0;
  private readonly waiting: Array<() => Promise<unknown>> = [];
  private paused = false;
  /** Peak unsent bytes, for tests and figures. */
  peakUnsent = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly limits: BackpressureLimits = DEFAULT_BACKPRESSURE,
  ) {}

  /** Sends text, counting it as unsent until the socket has written it. */
  send(text: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    const bytes = Buffer.byteLength(text);
    this.unsent += bytes;
    this.peakUnsent = Math.max(this.peakUnsent, this.unsent);
    if (this.unsent > this.limits.closeBytes) {
      this.ws.close(CLOSE_NOT_READING, 'The client does not read its answers.');
      return;
    }
    this.ws.send(text, () => {
      this.unsent -= bytes;
      this.update();
    });
    this.update();
  }

  /**
   * Runs the work for one request read from the client now, or later when the answers before it
   * have gone out. Frames already read in one network chunk arrive together whatever the pause
   * says; waiting here holds only their small request text, not their answers.
   */
  run(work: () => Promise<unknown>): void {
    this.waiting.push(work);
    this.update();
  }

  private start(work: () => Promise<unknown>): void {
    this.inFlight++;
    void work()
      .catch(() => undefined)
      .finally(() => {
        this.inFlight--;
        this.update();
      });
  }

  isPaused(): boolean {
    return this.paused;
  }

  private update(): void {
    const { highBytes, lowBytes, maxInFlight } = this.limits;
    while (this.waiting.length > 0 && this.inFlight < maxInFlight && this.unsent <= highBytes) this.start(this.waiting.shift()!);
    const busy = this.unsent > highBytes || this.inFlight >= maxInFlight || this.waiting.length > 0;
    if (!this.paused && busy) {
      this.paused = true;
      this.ws.pause();
    } else if (this.paused && this.unsent <= lowBytes && this.inFlight < maxInFlight / 2 && this.waiting.length === 0) {
      this.paused = false;
      if (this.ws.readyState === this.ws.OPEN) this.ws.resume();
    }
  }
}
