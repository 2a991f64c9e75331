/**
 * Lets a few lines of each kind through per window and counts the rest, so a client sending
 * the same bad request in a loop cannot flood the log: the first line of the next window
 * says how many were left out.
 */
export class RateLimitedLog {
  private readonly windows = new Map<string, { startedAt: number; written: number; suppressed: number }>();

  constructor(
    private readonly perWindow = 5,
    private readonly windowMs = 60_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether to write a line of `kind` now, and how many of its kind were left out before it. */
  admit(kind: string): { write: boolean; suppressed: number } {
    const now = this.now();
    let window = this.windows.get(kind);
    let suppressed = 0;
    if (!window || now - window.startedAt >= this.windowMs) {
      suppressed = window?.suppressed ?? 0;
      window = { startedAt: now, written: 0, suppressed: 0 };
      this.windows.set(kind, window);
    }
    if (window.written >= this.perWindow) {
      window.suppressed++;
      return { write: false, suppressed: 0 };
    }
    window.written++;
    return { write: true, suppressed };
  }
}
