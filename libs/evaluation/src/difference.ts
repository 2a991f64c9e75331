import { checkCount, wilsonInterval, type Interval } from './rate';

export interface Proportion {
  count: number;
  base: number;
}

/** The first proportion minus the second, with its 95 % interval (null when either base is 0). */
export interface ProportionDifference {
  difference: number | null;
  interval: Interval | null;
  /** The interval lies wholly above or below 0. */
  excludesZero: boolean;
}

/**
 * Newcombe's hybrid score interval for the difference of two independent proportions
 * (method 10 in Newcombe 1998, "Interval estimation for the difference between independent
 * proportions", Stat Med 17:873-890): each proportion's Wilson interval, combined by the
 * square-and-add rule. It needs no iteration, stays inside [-1, 1] and keeps its cover at
 * small counts and at 0 or n, where the Wald interval collapses.
 */
export function proportionDifference(first: Proportion, second: Proportion): ProportionDifference {
  checkCount(first.count, first.base);
  checkCount(second.count, second.base);
  const w1 = wilsonInterval(first.count, first.base);
  const w2 = wilsonInterval(second.count, second.base);
  if (w1 === null || w2 === null) return { difference: null, interval: null, excludesZero: false };
  const p1 = first.count / first.base;
  const p2 = second.count / second.base;
  const d = p1 - p2;
  const lower = d - Math.sqrt((p1 - w1.lower) ** 2 + (w2.upper - p2) ** 2);
  const upper = d + Math.sqrt((w1.upper - p1) ** 2 + (p2 - w2.lower) ** 2);
  return { difference: d, interval: { lower, upper }, excludesZero: lower > 0 || upper < 0 };
}
