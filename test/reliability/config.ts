// The two sizes of the reliability run: the full one (`npm run test:reliability`) and the
// quick, seeded one that runs inside `npm test`. Same code, smaller numbers.
export interface ReliabilityConfig {
  seed: number;
  crash: {
    import: { kills: number; images: number };
    labels: { kills: number; images: number; maxRunMs: number };
    train: { kills: number; perClass: number };
    export: { kills: number; perClass: number };
  };
  badFiles: { watch: boolean };
  fuzz: { payloads: number };
  // p95BudgetMs: latency is a figure of the full run (a quiet machine, minutes of load); the quick
  // run inside `npm test` only reports it, since a busy CI neighbour must not turn it red.
  load: { rows: number; seconds: number; labelWritesPerSecond: number; pagesPerSecond: number; perClass: number; p95BudgetMs: number | null };
}

export const FULL: ReliabilityConfig = {
  seed: 8,
  crash: {
    import: { kills: 15, images: 240 },
    labels: { kills: 20, images: 20_000, maxRunMs: 1500 },
    train: { kills: 15, perClass: 20 },
    export: { kills: 10, perClass: 10 },
  },
  badFiles: { watch: true },
  fuzz: { payloads: 12_000 },
  load: { rows: 100_000, seconds: 30, labelWritesPerSecond: 50, pagesPerSecond: 20, perClass: 30, p95BudgetMs: 50 },
};

export const QUICK: ReliabilityConfig = {
  seed: 8,
  crash: {
    import: { kills: 1, images: 60 },
    labels: { kills: 2, images: 2_000, maxRunMs: 600 },
    train: { kills: 2, perClass: 10 },
    export: { kills: 1, perClass: 5 },
  },
  badFiles: { watch: true },
  fuzz: { payloads: 600 },
  load: { rows: 10_000, seconds: 5, labelWritesPerSecond: 50, pagesPerSecond: 20, perClass: 10, p95BudgetMs: null },
};
