// The quick size of one reliability part, as `npm test` runs it: a fresh folder per call, the
// part's figures printed, its failures asserted. Shared by the quick test files, which are split
// so that Vitest can run the long crash part beside the others.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { QUICK } from './config.js';
import { timedPart, type PartResult } from './figures.js';
import { fixtureModelCache } from './model-cache.js';
import { RENDERER_DIR, reliabilityParts, type Part } from './suite.js';

export interface QuickParts {
  run(name: string): Promise<PartResult>;
  /** The fixture model cache, or null where ../shared/fixtures is absent (read inside tests). */
  modelCache(): string | null;
}

/** Registers the set-up and clean-up of a quick reliability file; call at the top of the file. */
export function quickParts(): QuickParts {
  let root: string;
  let modelCache: string | null = null;
  const parts = new Map<string, Part>(reliabilityParts(QUICK).map((p) => [p.name, p]));

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-reliability-quick-'));
    modelCache = await fixtureModelCache(root);
    if (!modelCache) console.warn('[reliability] fixtures absent: training in the crash and load parts is skipped');
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 }));

  return {
    modelCache: () => modelCache,
    async run(name) {
      // A fresh folder per call: a part never finds what an earlier attempt left behind.
      const dir = fs.mkdtempSync(path.join(root, `${name.replaceAll(' ', '-')}-`));
      const lines: string[] = [];
      const result = await timedPart(name, () => parts.get(name)!.run({ dir, modelCache, log: (m) => lines.push(m) }));
      console.log(`[reliability] ${name}: ${result.ok ? 'ok' : 'FAILED'} in ${result.seconds.toFixed(1)} s — ${result.summary}\n  ${JSON.stringify(result.figures)}`);
      expect(result.failures, lines.join('\n')).toEqual([]);
      expect(result.ok).toBe(true);
      return result;
    },
  };
}

// npm test builds the renderer first; a bare `vitest run` without a build says why it skips.
export const NO_RENDERER = !fs.existsSync(path.join(RENDERER_DIR, 'index.html'));
if (NO_RENDERER) console.warn(`[reliability] skipped: no renderer build at ${RENDERER_DIR} (npm run build:renderer)`);
