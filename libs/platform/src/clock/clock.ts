/**
 * The one source of "now". Inject Clock, never call Date.now() in services, so every
 * deadline path can be driven by a test clock in seconds.
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/**
 * A clock that can be moved forward: used by tests in-process, and by a service started
 * with CLOCK_MODE=controllable (never in production) so end-to-end journeys can jump
 * over days. Delays computed from it are what the jobs use.
 */
export class ControllableClock extends Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;
  private readonly listeners: Array<(now: Date) => Promise<void> | void> = [];

  constructor(start?: Date) {
    super();
    if (start) this.set(start);
  }

  now(): Date {
    return new Date(this.frozenAt ?? Date.now() + this.offsetMs);
  }

  /** Moves time forward by ms (time keeps flowing from there unless frozen). */
  advance(ms: number): Date {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
    return this.now();
  }

  /** Sets now to `at`; time keeps flowing from there. */
  set(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
    if (this.frozenAt !== null) this.frozenAt = at.getTime();
  }

  freeze(at?: Date): void {
    this.frozenAt = (at ?? this.now()).getTime();
  }

  /** Called after each move, e.g. to promote delayed jobs that are now due. Returns an unsubscribe. */
  onMoved(listener: (now: Date) => Promise<void> | void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /**
   * Runs the listeners (the admin endpoint awaits this after advance/set). One failing
   * listener (e.g. a queue already closed) does not stop the others; the errors are returned.
   */
  async notifyMoved(): Promise<unknown[]> {
    const now = this.now();
    const errors: unknown[] = [];
    for (const listener of [...this.listeners]) {
      try {
        await listener(now);
      } catch (error) {
        errors.push(error);
      }
    }
    return errors;
  }
}
