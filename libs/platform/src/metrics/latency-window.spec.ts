import { LatencyWindow } from './latency-window';

describe('LatencyWindow', () => {
  it('gives p50, p99 and max of what it holds', () => {
    const w = new LatencyWindow(1000);
    for (let i = 1; i <= 100; i++) w.add(i);
    expect(w.summary()).toEqual({ count: 100, window: 100, p50: 50, p99: 99, max: 100 });
  });

  it('keeps only the last `size` samples, but counts them all', () => {
    const w = new LatencyWindow(3);
    [500, 1, 2, 3].forEach((ms) => w.add(ms));
    expect(w.summary()).toEqual({ count: 4, window: 3, p50: 2, p99: 3, max: 3 });
  });

  it('is empty before the first sample, and ignores what is not a number', () => {
    const w = new LatencyWindow();
    w.add(Number.NaN);
    expect(w.summary()).toEqual({ count: 0, window: 0, p50: null, p99: null, max: null });
  });
});
