// The reliability run's quick size inside `npm test`: the same parts `npm run test:reliability`
// runs at full size (test/reliability/), with fewer kills, payloads and rows. Each part prints
// its figures. Parts that need ../shared/fixtures (training in the crash and load parts, the
// photos among the bad files) run without that piece where they are absent, and say so.
// The crash part, the longest, is its own file (reliability-crash.test.ts).
import { describe, expect, it } from 'vitest';
import { QUICK } from '../reliability/config.js';
import { NO_RENDERER, quickParts } from '../reliability/quick-parts.js';

const quick = quickParts();

describe.skipIf(NO_RENDERER)('reliability (quick)', () => {
  it('bad files: every kind reported with a reason at every door, no crash', async () => {
    const { figures } = await quick.run('bad files');
    expect(figures.bad_kinds).toBeGreaterThanOrEqual(20);
    expect(figures.bad_reported).toBe(figures.bad_kinds);
    expect(figures.bad_crashes).toBe(0);
  });

  it('fuzz: malformed payloads on every channel over both transports: typed errors, no crash, no write', async () => {
    const { figures } = await quick.run('fuzz');
    expect(figures.fuzz_payloads).toBe(QUICK.fuzz.payloads);
    expect(figures.fuzz_crashes).toBe(0);
    expect(figures.fuzz_writes).toBe(0);
  });

  it('confinement: no door reads a file outside the project', async () => {
    const { figures } = await quick.run('confinement');
    expect(figures.confinement_leaks).toBe(0);
  });

  it('serve: loopback only, token, Origin and Host checked', async () => {
    const { figures } = await quick.run('serve');
    expect(figures.serve_failed).toBe(0);
  });

  // Correctness under load: every call answered, none failed, training ran beside them. The p95
  // is printed here and held to its budget only by `npm run test:reliability` (a figure, not a test).
  it('load: label writes and grid pages over the WebSocket all succeed while training runs', async () => {
    const { figures } = await quick.run('load');
    expect(figures.load_calls).toBeGreaterThan(0);
    expect(figures.load_failed_calls).toBe(0);
  });
  it('hardening: issue 20 findings (root link, media, CSV formulas, proto names, empty db, WAL loss, job owners, unread answers)', { timeout: 300_000 }, async () => {
    const { figures } = await quick.run('hardening');
    expect(figures).toMatchObject({ symlink_ancestor_ok: true, media_outside_leaks: 0, csv_formula_cells: 0, proto_names_ok: true, empty_db_refused: true, wal_loss_detected: true, foreign_open_interrupts: 0 });
  });
});
