import fc from 'fast-check';
import { proportionDifference } from './difference';

describe("difference of two proportions with Newcombe's hybrid score interval", () => {
  // Published worked examples: Newcombe RG (1998), "Interval estimation for the difference
  // between independent proportions: comparison of eleven methods", Stat Med 17:873-890,
  // Table II, method 10, to four places.
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
  ])('%i/%i - %i/%i: %d to %d', (a, n, b, m, lower, upper) => {
    const d = proportionDifference({ count: a, base: n }, { count: b, base: m });
    expect(d.difference).toBeCloseTo(a / n - b / m, 10);
    expect(d.interval!.lower).toBeCloseTo(lower, 4);
    expect(d.interval!.upper).toBeCloseTo(upper, 4);
  });

  it('says whether the interval excludes no difference', () => {
    expect(proportionDifference({ count: 56, base: 70 }, { count: 48, base: 80 }).excludesZero).toBe(true);
    expect(proportionDifference({ count: 5, base: 56 }, { count: 0, base: 29 }).excludesZero).toBe(false);
    expect(proportionDifference({ count: 2, base: 80 }, { count: 40, base: 50 }).excludesZero).toBe(true);
  });

  it('estimates nothing when either side has no one', () => {
    expect(proportionDifference({ count: 0, base: 0 }, { count: 3, base: 9 })).toEqual({ difference: null, interval: null, excludesZero: false });
    expect(proportionDifference({ count: 3, base: 9 }, { count: 0, base: 0 }).interval).toBeNull();
  });

  it('refuses a count larger than its base', () => {
    expect(() => proportionDifference({ count: 4, base: 3 }, { count: 0, base: 1 })).toThrow(RangeError);
  });

  const side = fc.integer({ min: 1, max: 5_000 }).chain((base) => fc.record({ count: fc.integer({ min: 0, max: base }), base: fc.constant(base) }));

  it('contains the observed difference, stays inside [-1, 1] and mirrors when the sides swap (property)', () => {
    fc.assert(
      fc.property(side, side, (first, second) => {
        const d = proportionDifference(first, second);
        const swapped = proportionDifference(second, first);
        expect(d.interval!.lower).toBeLessThanOrEqual(d.difference! + 1e-12);
        expect(d.interval!.upper).toBeGreaterThanOrEqual(d.difference! - 1e-12);
        expect(d.interval!.lower).toBeGreaterThanOrEqual(-1 - 1e-12);
        expect(d.interval!.upper).toBeLessThanOrEqual(1 + 1e-12);
        expect(swapped.interval!.lower).toBeCloseTo(-d.interval!.upper, 12);
      }),
    );
  });
});
