import { OffsetCommits, type PartitionOffset } from './offset-commits';

describe('OffsetCommits', () => {
  let sent: PartitionOffset[][];
  let failNext: boolean;
  let errors: unknown[];
  let commits: OffsetCommits;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-12-03T10:00:00Z') });
    sent = [];
    failNext = false;
    errors = [];
    commits = new OffsetCommits(
      async (offsets) => {
        if (failNext) {
          failNext = false;
          throw new Error('REBALANCE_IN_PROGRESS');
        }
        sent.push(offsets);
      },
      1000,
      (error) => errors.push(error),
    );
  });

  afterEach(() => jest.useRealTimers());

  it('commits the next offset of each partition at most once per interval (the first after one interval), however many batches came', async () => {
    commits.processed('t', 0, '41');
    commits.commitSoon();
    await jest.advanceTimersByTimeAsync(999);
    expect(sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([[{ topic: 't', partition: 0, offset: '42' }]]);

    // Within the next second: three batches, two partitions, one request at its end.
    commits.processed('t', 0, '42');
    commits.commitSoon();
    commits.processed('t', 1, '7');
    commits.processed('t', 0, '50');
    commits.commitSoon();
    await jest.advanceTimersByTimeAsync(999);
    expect(sent).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(sent[1]).toEqual([
      { topic: 't', partition: 0, offset: '51' },
      { topic: 't', partition: 1, offset: '8' },
    ]);
  });

  it('sends nothing when nothing was processed', async () => {
    commits.commitSoon();
    await commits.commitNow();
    await jest.advanceTimersByTimeAsync(5000);
    expect(sent).toEqual([]);
  });

  it('commits at once on commitNow (after a dead-letter), without waiting for the interval', async () => {
    commits.processed('t', 3, '9');
    commits.commitSoon();
    await jest.advanceTimersByTimeAsync(1000);
    commits.processed('t', 3, '10');
    commits.commitSoon();
    await commits.commitNow();
    expect(sent.map((o) => o[0].offset)).toEqual(['10', '11']);
    await jest.advanceTimersByTimeAsync(5000);
    expect(sent).toHaveLength(2);
  });

  it('keeps a failed commit and tries again after the interval; a later offset of that partition wins', async () => {
    commits.processed('t', 0, '5');
    commits.processed('t', 1, '6');
    failNext = true;
    await commits.commitNow();
    expect(errors).toHaveLength(1);
    expect(commits.pendingCount).toBe(2);
    commits.processed('t', 0, '9');
    await jest.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual([
      [
        { topic: 't', partition: 0, offset: '10' },
        { topic: 't', partition: 1, offset: '7' },
      ],
    ]);
  });

  it('forgets what is pending when the group is rebalanced, and its timer with it', async () => {
    commits.processed('t', 0, '1');
    commits.commitSoon();
    await jest.advanceTimersByTimeAsync(1000);
    commits.processed('t', 0, '2');
    commits.commitSoon();
    commits.forget();
    await jest.advanceTimersByTimeAsync(5000);
    expect(sent).toHaveLength(1);
    expect(commits.pendingCount).toBe(0);
  });

  it('handles offsets beyond 2^53', async () => {
    commits.processed('t', 0, '9007199254740993');
    await commits.commitNow();
    expect(sent[0][0].offset).toBe('9007199254740994');
  });
});
