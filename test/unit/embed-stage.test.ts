// The import's embedding stage: full batches, a bounded queue that holds the producer back,
// cancel, and a failing backbone that stops the stage without failing the import.
import { describe, expect, it, vi } from 'vitest';
import { EmbedStage, type EmbedSink, type StageItem } from '../../electron/dataset/embed-stage.js';
import type { Preprocessing } from '../../electron/domain/schemas.js';
import { IDENTITY } from '../../electron/engine/images/augment.js';

const preprocessing: Preprocessing = { inputSize: 2, resizeMode: 'center-crop', scaling: 'minus1to1', resampling: 'bilinear' };
const item = (i: number): StageItem => ({ hash: `h${i}`, inputs: [{ view: 0, pixels: new Uint8Array(12) }], path: `/p/${i}.jpg` });

function sink(options: { gate?: () => Promise<void>; failAt?: number } = {}): EmbedSink & { batches: string[][]; cachedSet: Set<string> } {
  const batches: string[][] = [];
  const cachedSet = new Set<string>();
  return {
    batches,
    cachedSet,
    preprocessing,
    missing: (hash) => (cachedSet.has(hash) ? [] : [{ view: 0, augment: IDENTITY }]),
    embed: async (items) => {
      await options.gate?.();
      if (options.failAt !== undefined && batches.length === options.failAt) throw new Error('backbone failed');
      batches.push(items.map((i) => i.hash));
      for (const i of items) cachedSet.add(i.hash);
    },
  };
}

describe('EmbedStage', () => {
  it('embeds every item once, in full batches until finish', async () => {
    const s = sink();
    const stage = new EmbedStage(s, { batchSize: 4 });
    for (let i = 0; i < 10; i++) if (stage.wants(`h${i}`).length > 0) await stage.push(item(i));
    await stage.push(item(3));
    await stage.finish();
    expect(s.batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(s.batches.flat()).toEqual(Array.from({ length: 10 }, (_, i) => `h${i}`));
    expect(stage.wants('h3')).toEqual([]);
    expect({ embedded: stage.embedded, accepted: stage.accepted }).toEqual({ embedded: 10, accepted: 10 });
  });

  it('holds the producer back while the queue is full', async () => {
    let open!: () => void;
    let gate = new Promise<void>((r) => (open = r));
    const s = sink({ gate: () => gate });
    const stage = new EmbedStage(s, { batchSize: 2, maxQueued: 4 });
    let pushed = 0;
    const producer = (async () => {
      for (let i = 0; i < 12; i++) {
        await stage.push(item(i));
        pushed++;
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    // Two batches taken by the blocked backbone (IN_FLIGHT), four waiting, the producer held at the fifth.
    expect(pushed).toBeLessThanOrEqual(9);
    expect(pushed).toBeGreaterThanOrEqual(4);
    gate = Promise.resolve();
    open();
    await producer;
    await stage.finish();
    expect(s.batches.flat()).toHaveLength(12);
  });

  it('stops on cancel, releasing a held producer; what was written stays', async () => {
    const controller = new AbortController();
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const s = sink({ gate: () => gate });
    const stage = new EmbedStage(s, { batchSize: 2, maxQueued: 2, signal: controller.signal });
    const producer = (async () => {
      for (let i = 0; i < 10; i++) await stage.push(item(i));
    })();
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await producer;
    open();
    await stage.finish();
    // At most the two batches the backbone had when the cancel came.
    expect(s.batches.flat().length).toBeLessThanOrEqual(4);
    expect(stage.wants('h9')).toEqual([]);
  });

  it('a failing backbone stops the stage without throwing to the import', async () => {
    const s = sink({ failAt: 1 });
    const stage = new EmbedStage(s, { batchSize: 2 });
    for (let i = 0; i < 8; i++) await stage.push(item(i));
    await stage.finish();
    expect((stage.error as Error).message).toBe('backbone failed');
    expect(s.batches).toEqual([['h0', 'h1']]);
    expect(stage.wants('h7')).toEqual([]);
  });

  it('hands the backbone a second batch while the first is embedded, never a third', async () => {
    let inSink = 0;
    let most = 0;
    const gates: Array<() => void> = [];
    const s = sink({
      gate: async () => {
        inSink++;
        most = Math.max(most, inSink);
        await new Promise<void>((r) => gates.push(r));
        inSink--;
      },
    });
    const stage = new EmbedStage(s, { batchSize: 2, maxQueued: 8 });
    for (let i = 0; i < 8; i++) await stage.push(item(i));
    await vi.waitFor(() => expect(gates).toHaveLength(2));
    // Two batches are with the backbone; the other four items wait for a free slot.
    await new Promise((r) => setTimeout(r, 20));
    expect(gates).toHaveLength(2);
    const done = stage.finish();
    for (let released = 0; released < 4; released++) {
      await vi.waitFor(() => expect(gates.length).toBeGreaterThan(released));
      gates[released]!();
    }
    await done;
    expect(most).toBe(2);
    expect(s.batches.flat().sort()).toEqual(Array.from({ length: 8 }, (_, i) => `h${i}`).sort());
    expect(stage.embedded).toBe(8);
  });
});

