// A WebSocket client that sends frames exactly as given (invalid JSON, NaN literals, megabyte
// payloads) one at a time, and returns the next frame the server answers, or how it closed.
import WebSocket from 'ws';

export type RawReply = { frame: unknown } | { closed: number } | { timeout: true };

export class RawSocket {
  private waiting: ((reply: RawReply) => void) | null = null;
  private closedWith: number | null = null;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      let frame: unknown;
      try {
        frame = JSON.parse(data.toString());
      } catch {
        frame = { unparsable: data.toString().slice(0, 200) };
      }
      // The server's heartbeat is not an answer to anything sent.
      if ((frame as { t?: unknown } | null)?.t === 'beat') return;
      const resolve = this.waiting;
      this.waiting = null;
      resolve?.({ frame });
    });
    socket.on('close', (code) => {
      this.closedWith = code;
      const resolve = this.waiting;
      this.waiting = null;
      resolve?.({ closed: code });
    });
    socket.on('error', () => undefined);
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers, maxPayload: 64 * 1024 * 1024 });
      socket.once('open', () => resolve(new RawSocket(socket)));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  get open(): boolean {
    return this.closedWith === null;
  }

  /** Sends one text frame and waits for the next frame back (or the close). */
  send(text: string, timeoutMs = 20_000): Promise<RawReply> {
    if (this.closedWith !== null) return Promise.resolve({ closed: this.closedWith });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        resolve({ timeout: true });
      }, timeoutMs);
      this.waiting = (reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.socket.send(text);
    });
  }

  close(): void {
    this.socket.close();
  }
}
