import { CoalescingQueue } from './coalescing-queue';

/** A runner whose batches the test finishes by hand, recording what each batch held. */
function heldRunner() {
  const batches: number[][] = [];
  const finishers: Array<() => void> = [];
  const run = (items: number[]) =>
    new Promise<Array<number | Error>>((resolve) => {
      batches.push(items);
      finishers.push(() => resolve(items.map((n) => (n < 0 ? new Error(`no ${n}`) : n * 10))));
    });
  return { batches, run, finishNext: () => finishers.shift()!() };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('CoalescingQueue', () => {
  it('runs the items of one turn as one batch and answers each with its own result', async () => {
    const runner = heldRunner();
    const queue = new CoalescingQueue(runner.run, { maxBatch: 100, maxInFlight: 2 });
    const answers = Promise.all([1, 2, 3].map((n) => queue.submit(n)));
    await turn();
    expect(runner.batches).toEqual([[1, 2, 3]]);
    runner.finishNext();
    await expect(answers).resolves.toEqual([10, 20, 30]);
  });

  it('holds items while maxInFlight batches are on their way, then sends them together', async () => {
    const runner = heldRunner();
    const queue = new CoalescingQueue(runner.run, { maxBatch: 100, maxInFlight: 1 });
    const first = queue.submit(1);
    await turn();
    const later = [2, 3, 4].map((n) => queue.submit(n));
    await turn();
    expect(runner.batches).toEqual([[1]]);
    runner.finishNext();
    await expect(first).resolves.toBe(10);
    await turn();
    expect(runner.batches).toEqual([[1], [2, 3, 4]]);
    runner.finishNext();
    await expect(Promise.all(later)).resolves.toEqual([20, 30, 40]);
  });

  it('splits at maxBatch', async () => {
    const runner = heldRunner();
    const queue = new CoalescingQueue(runner.run, { maxBatch: 2, maxInFlight: 3 });
    const answers = Promise.all([1, 2, 3, 4, 5].map((n) => queue.submit(n)));
    await turn();
    expect(runner.batches).toEqual([[1, 2], [3, 4], [5]]);
    runner.finishNext();
    runner.finishNext();
    runner.finishNext();
    await expect(answers).resolves.toEqual([10, 20, 30, 40, 50]);
  });

  it('fails only the item answered with an Error; a runner that throws fails its batch, not the next', async () => {
    const runner = heldRunner();
    const queue = new CoalescingQueue(runner.run, { maxBatch: 100, maxInFlight: 1 });
    const settled = Promise.allSettled([1, -2, 3].map((n) => queue.submit(n)));
    await turn();
    runner.finishNext();
    expect((await settled).map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([10, 'no -2', 30]);

    let calls = 0;
    const flaky = new CoalescingQueue(
      async (items: number[]) => {
        if (calls++ === 0) throw new Error('connection lost');
        return items;
      },
      { maxBatch: 100, maxInFlight: 1 },
    );
    const lost = Promise.allSettled([1, 2].map((n) => flaky.submit(n)));
    await turn();
    const next = flaky.submit(3);
    expect((await lost).map((s) => s.status === 'rejected' && (s.reason as Error).message)).toEqual(['connection lost', 'connection lost']);
    await expect(next).resolves.toBe(3);
  });

  it('with gatherMs, holds the first item that long so that items submitted meanwhile join it', async () => {
    const runner = heldRunner();
    const queue = new CoalescingQueue(runner.run, { maxBatch: 100, maxInFlight: 2, gatherMs: 30 });
    const first = queue.submit(1);
    await turn();
    expect(runner.batches).toEqual([]);
    await new Promise((r) => setTimeout(r, 10));
    const second = queue.submit(2);
    await new Promise((r) => setTimeout(r, 40));
    expect(runner.batches).toEqual([[1, 2]]);
    runner.finishNext();
    await expect(Promise.all([first, second])).resolves.toEqual([10, 20]);
  });

  it('fails the whole batch when the runner answers the wrong number of results', async () => {
    const queue = new CoalescingQueue(async (items: number[]) => items.slice(1), { maxBatch: 100, maxInFlight: 1 });
    await expect(Promise.all([queue.submit(1), queue.submit(2)])).rejects.toThrow('a batch of 2 was answered with 1 results');
  });
});
