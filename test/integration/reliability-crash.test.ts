// The quick crash part of the reliability run (see reliability.test.ts for the others): seeded
// kills in the middle of every kind of job; the next open recovers everything acknowledged.
import { describe, expect, it } from 'vitest';
import { NO_RENDERER, quickParts } from '../reliability/quick-parts.js';

const quick = quickParts();

describe.skipIf(NO_RENDERER)('reliability (quick): crash', () => {
  it('crash: seeded kills of import, labeling, training and export; nothing acknowledged is lost', { timeout: 240_000 }, async () => {
    const { figures } = await quick.run('crash');
    expect(figures.kills).toBeGreaterThanOrEqual(quick.modelCache() ? 5 : 3);
    expect(figures.recovered).toBe(figures.kills);
    expect(figures.lost_labels).toBe(0);
  });
});
