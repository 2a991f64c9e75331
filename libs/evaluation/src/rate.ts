import { DISCLOSURE } from './config/disclosure';

/** The two-sided 95 % normal quantile (the 97.5th percentile of the standard normal). */
export const Z_95 = 1.959963984540054;

export interface Interval {
  lower: number;
  upper: number;
}

/** A count out of a base, with its proportion and 95 % interval (null when the base is 0). */
export interface Rate {
  count: number;
  base: number;
  value: number | null;
  interval: Interval | null;
  /** The base is under the small-base mark: show the rate, but marked as unreliable. */
  smallBase: boolean;
}

/** Counts are whole, non-negative and no larger than their base; anything else is a caller's bug. */
export function checkCount(count: number, base: number): void {
  if (!Number.isInteger(count) || !Number.isInteger(base) || count < 0 || base < 0 || count > base) {
    throw new RangeError(`a count must be a whole number from 0 to its base (got ${count} of ${base})`);
  }
}

/**
 * Wilson's score interval (Wilson 1927; method 3 in Newcombe 1998, "Two-sided confidence
 * intervals for the single proportion", Stat Med 17:857-872). Unlike the Wald interval it
 * stays inside [0, 1], is not degenerate at 0 or n, and keeps close to its nominal cover
 * for the small bases a single scheme, area and month produce.
 */
export function wilsonInterval(count: number, base: number, z = Z_95): Interval | null {
  checkCount(count, base);
  if (base === 0) return null;
  const p = count / base;
  const z2 = z * z;
  const centre = (p + z2 / (2 * base)) / (1 + z2 / base);
  const half = (z / (1 + z2 / base)) * Math.sqrt((p * (1 - p)) / base + z2 / (4 * base * base));
  // At 0 and n the exact bound is 0 or 1; rounding must not leave it a hair off.
  return { lower: count === 0 ? 0 : Math.max(0, centre - half), upper: count === base ? 1 : Math.min(1, centre + half) };
}

export function rate(count: number, base: number, smallBaseUnder = DISCLOSURE.smallBaseUnder): Rate {
  checkCount(count, base);
  return {
    count,
    base,
    value: base === 0 ? null : count / base,
    interval: wilsonInterval(count, base),
    smallBase: base < smallBaseUnder,
  };
}
