// Remaining-time estimate for one phase of a job, from the rate observed so far. The first
// moments of a phase are too noisy to promise anything, so no estimate before 1 s or 2 % done.
export class EtaEstimator {
  private startedAt: number;
  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  restart(): void {
    this.startedAt = this.now();
  }

  estimate(done: number, total: number): number | null {
    const elapsed = this.now() - this.startedAt;
    if (total <= 0 || done <= 0 || done >= total) return done >= total && total > 0 ? 0 : null;
    if (elapsed < 1000 && done / total < 0.02) return null;
    return Math.round((elapsed / done) * (total - done));
  }
}
