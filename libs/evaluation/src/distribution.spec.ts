import fc from 'fast-check';
import { distribution, median, percentile90, quantile, shareWithin } from './distribution';
import { OFFICER_TIME, officerTimeSaved } from './config/officer-time';

describe('median, 90th percentile (Hyndman and Fan definition 7) and share within a limit', () => {
  // Checked against R's quantile(x, type = 7) and numpy.percentile(x, q) (linear), the same definition:
  // quantile(1:10, 0.9) = 9.1; quantile(1:10, 0.5) = 5.5; quantile(c(1, 2, 3, 4), 0.5) = 2.5;
  // quantile(c(15, 20, 35, 40, 50), 0.4) = 29 (h = 1.6: 20 + 0.6 * 15); quantile(c(7), 0.9) = 7.
  it.each([
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9.1],
    [[10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 0.5, 5.5],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[15, 20, 35, 40, 50], 0.4, 29],
    [[7], 0.9, 7],
    [[3, 1, 2], 0, 1],
    [[3, 1, 2], 1, 3],
  ])('quantile(%j, %d) = %d', (values, p, expected) => {
    expect(quantile(values, p)).toBeCloseTo(expected, 10);
  });

  it('median and 90th percentile of hours from encounter to assessment', () => {
    // Sorted: 2 3 5 8 20 22 24 26 30 47; median = (20 + 22) / 2 = 21; p90: h = 8.1 -> 30 + 0.1 * 17 = 31.7.
    const hours = [24, 2, 47, 20, 5, 30, 26, 3, 22, 8];
    expect(median(hours)).toBe(21);
    expect(percentile90(hours)).toBeCloseTo(31.7, 10);
    expect(distribution(hours)).toEqual({ count: 10, median: 21, percentile90: expect.closeTo(31.7, 10) });
  });

  it('has no median of nothing', () => {
    expect(distribution([])).toEqual({ count: 0, median: null, percentile90: null });
  });

  it('refuses a probability outside [0, 1] and values that are not numbers', () => {
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
    expect(() => quantile([1], Number.NaN)).toThrow(RangeError);
    expect(() => quantile([1, Number.NaN], 0.5)).toThrow(RangeError);
    expect(() => shareWithin([Number.POSITIVE_INFINITY], 1)).toThrow(RangeError);
  });

  it('counts the share at or inside the limit (the same day or the next: 0 or 1 day)', () => {
    const days = [0, 0, 1, 1, 1, 2, 3, 0, 1, 5];
    const share = shareWithin(days, 1);
    expect(share).toMatchObject({ count: 7, base: 10, value: 0.7, smallBase: true });
    // Wilson 7 of 10: 0.3968 to 0.8922 (by the formula; cf. Newcombe 1998 method 3).
    expect(share.interval!.lower).toBeCloseTo(0.3968, 4);
    expect(share.interval!.upper).toBeCloseTo(0.8922, 4);
    expect(shareWithin([], 1).value).toBeNull();
  });

  it('lies between the smallest and largest value and grows with p (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 200 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (values, p, q) => {
        const [lo, hi] = [Math.min(p, q), Math.max(p, q)];
        expect(quantile(values, lo)!).toBeGreaterThanOrEqual(Math.min(...values));
        expect(quantile(values, hi)!).toBeLessThanOrEqual(Math.max(...values));
        expect(quantile(values, lo)!).toBeLessThanOrEqual(quantile(values, hi)! + 1e-9);
      }),
    );
  });
});

describe('officer time saved', () => {
  it('counts a custody attendance avoided per diversion, and hours only once the force sets the per-case figure', () => {
    expect(officerTimeSaved(12)).toEqual({ custodyAvoided: 12, hours: null });
    expect(officerTimeSaved(12, { ...OFFICER_TIME, hoursPerDiversion: 2.5 })).toEqual({ custodyAvoided: 12, hours: 30 });
    expect(() => officerTimeSaved(-1)).toThrow(RangeError);
  });
});
