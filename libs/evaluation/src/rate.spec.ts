import fc from 'fast-check';
import { rate, wilsonInterval } from './rate';

describe('rate with its Wilson score interval', () => {
  // Published worked examples: Newcombe RG (1998), "Two-sided confidence intervals for the
  // single proportion: comparison of seven methods", Stat Med 17:857-872, Table I, method 3
  // (score interval without continuity correction), to four places.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i of %i: %d to %d', (count, base, lower, upper) => {
    const r = rate(count, base);
    expect(r.value).toBeCloseTo(count / base, 10);
    expect(r.interval!.lower).toBeCloseTo(lower, 4);
    expect(r.interval!.upper).toBeCloseTo(upper, 4);
  });

  it('is exactly 0 below at no events and exactly 1 above at all events', () => {
    expect(wilsonInterval(0, 7)!.lower).toBe(0);
    expect(wilsonInterval(7, 7)!.upper).toBe(1);
    // Symmetry: x of n mirrors n - x of n (1 - 0.1611 for 20 of 20).
    expect(wilsonInterval(20, 20)!.lower).toBeCloseTo(1 - 0.1611, 4);
  });

  it('has no value and no interval on a base of 0, and marks it small', () => {
    expect(rate(0, 0)).toEqual({ count: 0, base: 0, value: null, interval: null, smallBase: true });
  });

  it('marks a base under the small-base mark (default 20) and not one at it', () => {
    expect(rate(5, 19).smallBase).toBe(true);
    expect(rate(5, 20).smallBase).toBe(false);
    expect(rate(5, 9, 10).smallBase).toBe(true);
  });

  it.each([
    [-1, 10],
    [11, 10],
    [1.5, 10],
    [1, Number.NaN],
  ])('refuses %d of %d', (count, base) => {
    expect(() => rate(count, base)).toThrow(RangeError);
  });

  it('always contains the proportion and stays inside [0, 1] (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }).chain((base) => fc.tuple(fc.integer({ min: 0, max: base }), fc.constant(base))), ([count, base]) => {
        const { value, interval } = rate(count, base);
        expect(interval!.lower).toBeGreaterThanOrEqual(0);
        expect(interval!.upper).toBeLessThanOrEqual(1);
        expect(interval!.lower).toBeLessThanOrEqual(value!);
        expect(interval!.upper).toBeGreaterThanOrEqual(value!);
      }),
    );
  });

  it('narrows as the base grows at the same proportion (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 2, max: 20 }), (count, extra, k) => {
        const base = count + extra;
        const small = wilsonInterval(count, base)!;
        const large = wilsonInterval(count * k, base * k)!;
        expect(large.upper - large.lower).toBeLessThan(small.upper - small.lower);
      }),
    );
  });
});
