import fc from 'fast-check';
import { relativeRateIndex } from './relative-rate';

describe("relative rate index with Katz's log interval", () => {
  // Checked by hand: RRI = (a/n)/(b/m); SE(log RRI) = sqrt(1/a - 1/n + 1/b - 1/m); 95 % = RRI * exp(+/-1.96 SE).
  // 20/100 vs 10/100: RRI 2, SE = sqrt(0.05 - 0.01 + 0.1 - 0.01) = 0.36056, exp(1.96 * 0.36056) = 2.0272.
  it('20 of 100 against 10 of 100: 2.00 (0.987 to 4.054), interval includes 1', () => {
    const r = relativeRateIndex({ count: 20, base: 100 }, { count: 10, base: 100 });
    expect(r.index).toBeCloseTo(2, 10);
    expect(r.interval!.lower).toBeCloseTo(0.9866, 3);
    expect(r.interval!.upper).toBeCloseTo(4.0544, 3);
    expect(r).toMatchObject({ excludesOne: false, flag: 'no-evidence', zeroCorrected: false });
  });

  // 30/60 vs 20/80: RRI 2, SE = sqrt(1/30 - 1/60 + 1/20 - 1/80) = 0.23274, exp(1.96 * 0.23274) = 1.5780.
  it('30 of 60 against 20 of 80: 2.00 (1.267 to 3.156), flagged higher', () => {
    const r = relativeRateIndex({ count: 30, base: 60 }, { count: 20, base: 80 });
    expect(r.interval!.lower).toBeCloseTo(1.2674, 3);
    expect(r.interval!.upper).toBeCloseTo(3.156, 3);
    expect(r).toMatchObject({ excludesOne: true, flag: 'higher' });
  });

  it('the same comparison turned round is flagged lower, with the interval inverted', () => {
    const r = relativeRateIndex({ count: 20, base: 80 }, { count: 30, base: 60 });
    expect(r.index).toBeCloseTo(0.5, 10);
    expect(r.interval!.lower).toBeCloseTo(1 / 3.156, 3);
    expect(r.interval!.upper).toBeCloseTo(1 / 1.2674, 3);
    expect(r).toMatchObject({ excludesOne: true, flag: 'lower' });
  });

  // 0/50 vs 10/100, 0.5 added to each cell: (0.5/51)/(10.5/101) = 0.09430;
  // SE = sqrt(1/0.5 - 1/51 + 1/10.5 - 1/101) = 1.43727; exp(1.96 * 1.43727) = 16.727.
  it('a zero count is corrected by 0.5 in each cell and marked', () => {
    const r = relativeRateIndex({ count: 0, base: 50 }, { count: 10, base: 100 });
    expect(r.index).toBeCloseTo(0.0943, 4);
    expect(r.interval!.lower).toBeCloseTo(0.0943 / 16.727, 4);
    expect(r.interval!.upper).toBeCloseTo(0.0943 * 16.727, 2);
    expect(r).toMatchObject({ zeroCorrected: true, flag: 'no-evidence' });
    expect(relativeRateIndex({ count: 10, base: 100 }, { count: 0, base: 50 }).zeroCorrected).toBe(true);
  });

  it.each([
    ['no events on either side', { count: 0, base: 40 }, { count: 0, base: 90 }],
    ['an empty group', { count: 0, base: 0 }, { count: 5, base: 90 }],
    ['an empty reference group', { count: 3, base: 30 }, { count: 0, base: 0 }],
  ])('is not estimable with %s', (_name, group, reference) => {
    expect(relativeRateIndex(group, reference)).toEqual({ index: null, interval: null, excludesOne: false, flag: 'not-estimable', zeroCorrected: false });
  });

  it('refuses a count larger than its base', () => {
    expect(() => relativeRateIndex({ count: 3, base: 2 }, { count: 1, base: 2 })).toThrow(RangeError);
  });

  const side = fc.integer({ min: 1, max: 5_000 }).chain((base) => fc.record({ count: fc.integer({ min: 0, max: base }), base: fc.constant(base) }));

  it('contains its own index, and its flag agrees with the interval (property)', () => {
    fc.assert(
      fc.property(side, side, (group, reference) => {
        const r = relativeRateIndex(group, reference);
        if (r.flag === 'not-estimable') return expect(group.count + reference.count).toBe(0);
        expect(r.interval!.lower).toBeLessThanOrEqual(r.index! * (1 + 1e-12));
        expect(r.interval!.upper).toBeGreaterThanOrEqual(r.index! * (1 - 1e-12));
        expect(r.excludesOne).toBe(r.interval!.lower > 1 || r.interval!.upper < 1);
      }),
    );
  });

  it('finds no disparity for a group with the same rate as the reference (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 }), (count, rest, k1, k2) => {
        const r = relativeRateIndex({ count: count * k1, base: (count + rest) * k1 }, { count: count * k2, base: (count + rest) * k2 });
        expect(r.index).toBeCloseTo(1, 10);
        expect(r.flag).toBe('no-evidence');
      }),
    );
  });
});
