/**
 * Requests and failures over the last `windowMs`, in 10 slices (memory constant whatever the
 * throughput; a slice leaves the window whole, so the window spans between 0.9 and 1 × `windowMs`).
 */
export class FailureWindow {
  private readonly slices: { start: number; total: number; failed: number }[] = [];
  private readonly sliceMs: number;

  constructor(private readonly windowMs: number) {
    this.sliceMs = Math.max(1, windowMs / 10);
  }

  record(now: number, failed: boolean): void {
    this.trim(now);
    let last = this.slices.at(-1);
    if (!last || now - last.start >= this.sliceMs) {
      last = { start: now, total: 0, failed: 0 };
      this.slices.push(last);
    }
    last.total++;
    if (failed) last.failed++;
  }

  /** Requests and failures within the window at `now`. */
  totals(now: number): { total: number; failed: number } {
    this.trim(now);
    let total = 0;
    let failed = 0;
    for (const s of this.slices) {
      total += s.total;
      failed += s.failed;
    }
    return { total, failed };
  }

  clear(): void {
    this.slices.length = 0;
  }

  private trim(now: number): void {
    while (this.slices.length > 0 && now - (this.slices[0]?.start ?? now) >= this.windowMs)
      this.slices.shift();
  }
}
