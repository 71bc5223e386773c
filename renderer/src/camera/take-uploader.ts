// One take's frames on their way to the studio: sent in batches (about one a second at 10
// frames/s), in order, one batch at a time; the last batch ends the take, which the studio then
// imports once. A failed batch stops the take and is reported by finish().
import type { StudioClient } from '../../../electron/ipc/client';
import { MAX_FRAMES_PER_BATCH } from '../../../electron/ipc/channels/capture';
import type { RequestOutput } from '../lib/types';
import { bytesToBase64 } from '../lib/base64';

type BatchResult = RequestOutput<'capture:frames'>;

/** A take id: unique per recording, safe as part of a file name (its first 8 characters name the files). */
export function newTakeId(): string {
  return `${Date.now().toString(36)}-${crypto.getRandomValues(new Uint32Array(2)).join('-')}`;
}

/** Frames per batch while recording: about one batch a second at the default rate. */
export const FRAMES_PER_BATCH = Math.min(10, MAX_FRAMES_PER_BATCH);

export class TakeUploader {
  readonly take = newTakeId();
  /** Frames handed over so far (sent or waiting). */
  recorded = 0;
  private pending: string[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private failure: unknown = null;

  constructor(
    private readonly studio: StudioClient,
    readonly classId: number,
  ) {}

  add(jpeg: ArrayBuffer): void {
    if (this.failure) return;
    this.pending.push(bytesToBase64(jpeg));
    this.recorded++;
    // A failure is kept and reported by finish(), not thrown here.
    if (this.pending.length >= FRAMES_PER_BATCH) this.send(false).catch(() => undefined);
  }

  /** Sends what is left as the final batch; resolves with the take's import (null if it wrote nothing). */
  async finish(): Promise<BatchResult> {
    const last = this.send(true);
    await this.chain;
    if (this.failure) throw this.failure;
    return last;
  }

  private send(final: boolean): Promise<BatchResult> {
    const frames = this.pending.splice(0, this.pending.length);
    const sent = this.chain.then(() => {
      if (this.failure) throw this.failure;
      return this.studio.invoke('capture:frames', { classId: this.classId, take: this.take, frames, final });
    });
    this.chain = sent.catch((error: unknown) => {
      this.failure ??= error;
    });
    return sent;
  }
}
