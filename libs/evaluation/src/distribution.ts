import { rate, type Rate } from './rate';

/**
 * The p-th quantile (0 <= p <= 1) by linear interpolation between order statistics:
 * Hyndman and Fan's definition 7 (1996, The American Statistician 50:361-365), the default
 * of R's quantile(), numpy's percentile() and Excel's PERCENTILE.INC, so an analyst can
 * reproduce every figure. With n sorted values x[0..n-1], h = (n - 1) * p and
 * Q = x[floor h] + (h - floor h) * (x[floor h + 1] - x[floor h]). Null for no values.
 */
export function quantile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`a quantile's probability is from 0 to 1 (got ${p})`);
  if (values.some((v) => !Number.isFinite(v))) throw new RangeError('every value must be a finite number');
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const h = (sorted.length - 1) * p;
  const below = Math.floor(h);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (h - below) * (sorted[above] - sorted[below]);
}

export const median = (values: readonly number[]): number | null => quantile(values, 0.5);
export const percentile90 = (values: readonly number[]): number | null => quantile(values, 0.9);

/** Median, 90th percentile and count of a set of durations (or any measurements). */
export interface Distribution {
  count: number;
  median: number | null;
  percentile90: number | null;
}

export function distribution(values: readonly number[]): Distribution {
  return { count: values.length, median: median(values), percentile90: percentile90(values) };
}

/**
 * The share of values at or inside a limit (e.g. whole days from encounter to assessment,
 * against the promise of the same day or the next: limit 1), as a rate with its interval.
 */
export function shareWithin(values: readonly number[], limit: number, smallBaseUnder?: number): Rate {
  if (values.some((v) => !Number.isFinite(v))) throw new RangeError('every value must be a finite number');
  return rate(values.filter((v) => v <= limit).length, values.length, smallBaseUnder);
}
