import { checkCount, Z_95, type Interval } from './rate';
import type { Proportion } from './difference';

/**
 * 'higher' / 'lower': the 95 % interval lies wholly above / below 1; 'no-evidence': it
 * contains 1; 'not-estimable': a base is 0, or neither group has a single event.
 */
export type DisparityFlag = 'higher' | 'lower' | 'no-evidence' | 'not-estimable';

export interface RelativeRateIndex {
  /** The group's rate divided by the reference group's rate. */
  index: number | null;
  interval: Interval | null;
  /** The plain flag: true when the interval excludes 1. */
  excludesOne: boolean;
  flag: DisparityFlag;
  /** One of the two counts was 0, so 0.5 was added to every cell of the two-by-two table. */
  zeroCorrected: boolean;
}

const NOT_ESTIMABLE: RelativeRateIndex = { index: null, interval: null, excludesOne: false, flag: 'not-estimable', zeroCorrected: false };

/**
 * The relative rate index with Katz's log interval (Katz, Baptista, Azen and Pike 1978,
 * Biometrics 34:469-474): log(RRI) +/- z * sqrt(1/a - 1/n + 1/b - 1/m).
 * At a zero count the log is undefined, so 0.5 is added to each cell of the two-by-two table
 * (each count +0.5, each base +1, the Haldane-Anscombe correction) and the result is marked
 * zeroCorrected; with both counts 0 there is no rate to compare and nothing is estimated.
 */
export function relativeRateIndex(group: Proportion, reference: Proportion): RelativeRateIndex {
  checkCount(group.count, group.base);
  checkCount(reference.count, reference.base);
  if (group.base === 0 || reference.base === 0) return NOT_ESTIMABLE;
  if (group.count === 0 && reference.count === 0) return NOT_ESTIMABLE;
  const zeroCorrected = group.count === 0 || reference.count === 0;
  const correction = zeroCorrected ? 0.5 : 0;
  const a = group.count + correction;
  const n = group.base + 2 * correction;
  const b = reference.count + correction;
  const m = reference.base + 2 * correction;
  const index = a / n / (b / m);
  const se = Math.sqrt(1 / a - 1 / n + 1 / b - 1 / m);
  const interval = { lower: index * Math.exp(-Z_95 * se), upper: index * Math.exp(Z_95 * se) };
  const flag: DisparityFlag = interval.lower > 1 ? 'higher' : interval.upper < 1 ? 'lower' : 'no-evidence';
  return { index, interval, excludesOne: flag !== 'no-evidence', flag, zeroCorrected };
}
