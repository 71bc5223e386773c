// The page's side of recording: a take's frames leave in order, in batches of FRAMES_PER_BATCH
// while recording, the last batch ends the take; a failed batch stops the take and finish()
// reports it instead of importing a take with a hole in it.
import { describe, expect, it } from 'vitest';
import type { StudioClient } from '../../electron/ipc/client.js';
import { StudioError } from '../../electron/domain/result.js';
import { FRAMES_PER_BATCH, TakeUploader } from '../../renderer/src/camera/take-uploader.js';

type Sent = { classId: number; take: string; frames: string[]; final: boolean };

function fakeStudio(options: { failOn?: number; delayMs?: number } = {}) {
  const sent: Sent[] = [];
  let total = 0;
  const studio = {
    async invoke(channel: string, input: Sent) {
      expect(channel).toBe('capture:frames');
      const index = sent.length;
      sent.push(input);
      await new Promise((r) => setTimeout(r, options.delayMs ?? 0));
      if (index === options.failOn) throw new StudioError('io_error', 'disk full');
      total += input.frames.length;
      return { written: input.frames.length, total, import: input.final ? { jobId: 'job-1', importId: 1 } : null };
    },
  } as unknown as StudioClient;
  return { studio, sent };
}

const frame = (n: number) => new Uint8Array([0xff, 0xd8, 0xff, n]).buffer;

describe('TakeUploader', () => {
  it('sends full batches while recording and the rest as the final batch, in order', async () => {
    const { studio, sent } = fakeStudio({ delayMs: 5 });
    const take = new TakeUploader(studio, 7);
    const count = FRAMES_PER_BATCH * 2 + 3;
    for (let i = 0; i < count; i++) take.add(frame(i));
    expect(take.recorded).toBe(count);
    const result = await take.finish();
    expect(result).toEqual({ written: 3, total: count, import: { jobId: 'job-1', importId: 1 } });
    expect(sent.map((s) => [s.frames.length, s.final])).toEqual([
      [FRAMES_PER_BATCH, false],
      [FRAMES_PER_BATCH, false],
      [3, true],
    ]);
    expect(new Set(sent.map((s) => s.take))).toEqual(new Set([take.take]));
    expect(take.take).toMatch(/^[A-Za-z0-9-]{8,64}$/);
    expect(sent.every((s) => s.classId === 7)).toBe(true);
    // Frame i is the base64 of its bytes, in the order added.
    const frames = sent.flatMap((s) => s.frames).map((b) => Buffer.from(b, 'base64')[3]);
    expect(frames).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it('stops at a failed batch and reports it from finish(), sending nothing after it', async () => {
    const { studio, sent } = fakeStudio({ failOn: 0 });
    const take = new TakeUploader(studio, 1);
    for (let i = 0; i < FRAMES_PER_BATCH * 2; i++) take.add(frame(i));
    await expect(take.finish()).rejects.toThrow('disk full');
    expect(sent).toHaveLength(1);
  });

  it('gives every take its own id', () => {
    const { studio } = fakeStudio();
    const ids = new Set(Array.from({ length: 50 }, () => new TakeUploader(studio, 1).take));
    expect(ids.size).toBe(50);
  });
});
