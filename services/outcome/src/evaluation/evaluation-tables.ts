import {
  DISCLOSURE, ETHNIC_GROUPS, ethnicityRows, NOT_STATED, proportionDifference, rate, referenceGroup, relativeRateIndex, suppress,
  type DisparityFlag, type Proportion,
} from '@ddp/evaluation';
import type { Counts } from '../figures/figures.service';
import { MEASURES, MEASURE_IDS, type Grouping, type MeasureId } from './evaluation-measures';

/** A rate as published: null where disclosure control hides a figure. */
export interface PublishedRate {
  count: number | null;
  base: number | null;
  rate: number | null;
  lower: number | null;
  upper: number | null;
  smallBase: boolean;
  suppressed: boolean;
}

export interface FairnessRow extends PublishedRate {
  group: string;
  label: string;
  reference: boolean;
  rri: number | null;
  rriLower: number | null;
  rriUpper: number | null;
  flag: DisparityFlag;
  zeroCorrected: boolean;
}

/** A rate from a count and base already through disclosure control (null: hidden). */
function published(count: number | null, base: number | null, suppressed: boolean): PublishedRate {
  const shown = count !== null && base !== null;
  const r = shown ? rate(count, base) : null;
  return {
    count,
    base,
    rate: r?.value ?? null,
    lower: r?.interval?.lower ?? null,
    upper: r?.interval?.upper ?? null,
    smallBase: base === null || base < DISCLOSURE.smallBaseUnder,
    suppressed,
  };
}

/** One rate on its own: the table [count, base - count] with its total, suppressed. */
export function protectedRate(p: Proportion, minimumCount = DISCLOSURE.minimumCount): PublishedRate {
  const table = suppress({ rows: ['all'], columns: ['counted', 'not counted'], cells: [[p.count, p.base - p.count]] }, minimumCount);
  return published(table.cells[0][0], table.rowTotals[0], table.hidden.length > 0);
}

/** Every measure for one set of counts (a scheme, area, period...). */
export function measureRates(counts: Counts, minimumCount = DISCLOSURE.minimumCount): Array<{ measure: MeasureId } & PublishedRate> {
  return MEASURE_IDS.map((measure) => ({ measure, ...protectedRate(proportionOf(measure, counts), minimumCount) }));
}

/**
 * A measure's count and base from a cell's counters. Counters of one cell can disagree for a
 * moment (e.g. a withdrawal counted before its referral, should events overtake), so the base
 * is held at 0 or more and the count inside it: a figure a moment out beats a 500.
 */
export function proportionOf(measure: MeasureId, counts: Counts): Proportion {
  const base = Math.max(0, MEASURES[measure].base(counts));
  return { count: Math.min(base, Math.max(0, MEASURES[measure].count(counts))), base };
}

/**
 * Read-model keys to report rows: ethnic groups aggregated where small; 'not-recorded' (and
 * any code outside the classification) read as not stated.
 */
export function groupRows(grouping: Grouping, byKey: ReadonlyMap<string, Proportion>, minimumCount: number): Array<{ group: string; label: string; keys: string[] }> {
  if (grouping !== 'ethnicity') return [...byKey.keys()].sort().map((k) => ({ group: k, label: k, keys: [k] }));
  const known = new Set(ETHNIC_GROUPS.map((g) => g.code));
  const codeOf = (key: string) => (known.has(key) ? key : NOT_STATED);
  const bases: Record<string, number> = {};
  for (const [key, p] of byKey) bases[codeOf(key)] = (bases[codeOf(key)] ?? 0) + p.base;
  return ethnicityRows(bases, minimumCount).map((r) => ({ group: r.key, label: r.label, keys: [...byKey.keys()].filter((k) => r.codes.includes(codeOf(k))) }));
}

/**
 * A fairness table: each group's rate and its relative rate index against the largest group,
 * the groups x [counted, not counted] table suppressed as a whole (cells and margins), and an
 * index shown only when all four of its figures are.
 */
export function fairnessTable(grouping: Grouping, byKey: ReadonlyMap<string, Proportion>, minimumCount = DISCLOSURE.minimumCount): FairnessRow[] {
  const rows = groupRows(grouping, byKey, minimumCount)
    .map((r) => ({ ...r, count: r.keys.reduce((s, k) => s + byKey.get(k)!.count, 0), base: r.keys.reduce((s, k) => s + byKey.get(k)!.base, 0) }))
    .filter((r) => r.base > 0);
  if (rows.length === 0) return [];
  const table = suppress({ rows: rows.map((r) => r.group), columns: ['counted', 'not counted'], cells: rows.map((r) => [r.count, r.base - r.count]) }, minimumCount);
  const reference = referenceGroup(rows.map((r) => ({ key: r.group, base: r.base })));
  const referenceIndex = rows.findIndex((r) => r.group === reference?.key);
  const isShown = (i: number) => i >= 0 && table.cells[i][0] !== null && table.rowTotals[i] !== null;
  return rows.map((r, i) => {
    const rowHidden = table.hidden.some((h) => h.row === i);
    const shownRate = published(table.cells[i][0], table.rowTotals[i], rowHidden);
    const rri = isShown(i) && isShown(referenceIndex) ? relativeRateIndex(r, rows[referenceIndex]) : null;
    return {
      group: r.group,
      label: r.label,
      ...shownRate,
      reference: i === referenceIndex,
      rri: rri?.index ?? null,
      rriLower: rri?.interval?.lower ?? null,
      rriUpper: rri?.interval?.upper ?? null,
      flag: rri?.flag ?? 'not-estimable',
      zeroCorrected: rri?.zeroCorrected ?? false,
    };
  });
}

/** Pilot against pilot: each measure for both, and the difference with its interval when every figure is shown. */
export function pilotComparison(voluntary: Counts, deferred: Counts, minimumCount = DISCLOSURE.minimumCount) {
  return MEASURE_IDS.map((measure) => {
    const v = proportionOf(measure, voluntary);
    const d = proportionOf(measure, deferred);
    const pv = protectedRate(v, minimumCount);
    const pd = protectedRate(d, minimumCount);
    const shown = pv.count !== null && pv.base !== null && pd.count !== null && pd.base !== null;
    const diff = shown ? proportionDifference(v, d) : null;
    return {
      measure,
      voluntary: pv,
      deferred: pd,
      difference: diff?.difference ?? null,
      differenceLower: diff?.interval?.lower ?? null,
      differenceUpper: diff?.interval?.upper ?? null,
      excludesZero: diff?.excludesZero ?? false,
    };
  });
}
