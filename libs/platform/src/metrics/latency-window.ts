/**
 * The last `size` durations of something (ms), for p50/p99 on the admin endpoint: cheap
 * enough to record on every message, and bounded in memory.
 */
export class LatencyWindow {
  private readonly samples: number[] = [];
  private next = 0;
  private total = 0;

  constructor(private readonly size = 2000) {}

  add(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const value = Math.max(0, ms);
    if (this.samples.length < this.size) this.samples.push(value);
    else this.samples[this.next] = value;
    this.next = (this.next + 1) % this.size;
    this.total++;
  }

  /** p50, p99 and max of the samples in the window; `count` is every sample ever added. */
  summary(): { count: number; window: number; p50: number | null; p99: number | null; max: number | null } {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : null);
    return { count: this.total, window: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1] : null };
  }
}
