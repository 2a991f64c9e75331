/**
 * Runs many small requests as few batches: items submitted in the same turn of the event
 * loop, or while `maxInFlight` batches are already on their way, go together in one call of
 * `run`. A lone item waits only for the current turn to end (setImmediate), so it costs no
 * latency worth counting; under load, a batch forms from everything that arrived meanwhile.
 *
 * Why: on these machines a round trip to Postgres or another service costs about a
 * millisecond of CPU, both ends together, whatever it carries; concurrent deliveries that each
 * read their row and write their result made two round trips each.
 *
 * `gatherMs` (default 0) holds the first item of a batch that long for others to join: for
 * work nobody waits on by the millisecond (deliveries), whose callers start a few ms apart.
 *
 * `run` answers each item, in order, with its result or an Error (that item's failure
 * alone); if `run` throws, every item of the batch fails with that error.
 */
export class CoalescingQueue<In, Out> {
  private pending: Array<{ item: In; resolve(out: Out): void; reject(error: unknown): void }> = [];
  private inFlight = 0;
  private flushScheduled = false;

  constructor(
    private readonly run: (items: In[]) => Promise<Array<Out | Error>>,
    private readonly options: { maxBatch: number; maxInFlight: number; gatherMs?: number },
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** `waited`: the pending items have already waited (for a batch ahead of them), so no gathering time. */
  private scheduleFlush(waited = false): void {
    if (this.flushScheduled || this.pending.length === 0 || this.inFlight >= this.options.maxInFlight) return;
    this.flushScheduled = true;
    const flush = () => {
      this.flushScheduled = false;
      this.flush();
    };
    if (this.options.gatherMs && !waited) setTimeout(flush, this.options.gatherMs);
    else setImmediate(flush);
  }

  private flush(): void {
    while (this.inFlight < this.options.maxInFlight && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.runBatch(batch).finally(() => {
        this.inFlight--;
        this.scheduleFlush(true);
      });
    }
  }

  private async runBatch(batch: typeof this.pending): Promise<void> {
    let results: Array<Out | Error>;
    try {
      results = await this.run(batch.map((b) => b.item));
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} was answered with ${results.length} results`);
    } catch (error) {
      for (const b of batch) b.reject(error);
      return;
    }
    batch.forEach((b, i) => (results[i] instanceof Error ? b.reject(results[i]) : b.resolve(results[i] as Out)));
  }
}
