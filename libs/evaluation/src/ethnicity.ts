import { DISCLOSURE } from './config/disclosure';
import { ETHNIC_GROUPS, HIGH_LEVEL_ETHNIC_GROUPS, NOT_STATED, type HighLevelEthnicGroup } from './config/ethnicity';

/** A row of a table by ethnicity: a detailed group, a high-level group, or "not stated". */
export interface EthnicityRow {
  /** A detailed code, a high-level key ('white', 'asian', ...) or 'not-stated'. */
  key: string;
  label: string;
  /** The detailed codes counted in this row. */
  codes: string[];
}

/**
 * The rows to report by: each high-level group shows its detailed groups when every one of
 * them that anyone is recorded in reaches the minimum count, and is one row otherwise (so a
 * table never mixes a group's small detailed rows with their siblings). Groups nobody is
 * recorded in are left out; "not stated" (or no record) is always one row of its own.
 */
export function ethnicityRows(basesByCode: Readonly<Record<string, number>>, minimumCount = DISCLOSURE.minimumCount): EthnicityRow[] {
  const known = new Set([...ETHNIC_GROUPS.map((g) => g.code), NOT_STATED]);
  const unknown = Object.keys(basesByCode).filter((c) => !known.has(c));
  if (unknown.length > 0) throw new RangeError(`unknown ethnicity codes: ${unknown.join(', ')}`);
  const rows: EthnicityRow[] = [];
  for (const highLevel of Object.keys(HIGH_LEVEL_ETHNIC_GROUPS) as HighLevelEthnicGroup[]) {
    const present = ETHNIC_GROUPS.filter((g) => g.highLevel === highLevel && (basesByCode[g.code] ?? 0) > 0);
    if (present.length === 0) continue;
    if (present.every((g) => basesByCode[g.code] >= minimumCount)) {
      rows.push(...present.map((g) => ({ key: g.code, label: `${HIGH_LEVEL_ETHNIC_GROUPS[highLevel]}: ${g.label}`, codes: [g.code] })));
    } else {
      rows.push({ key: highLevel, label: HIGH_LEVEL_ETHNIC_GROUPS[highLevel], codes: present.map((g) => g.code) });
    }
  }
  if ((basesByCode[NOT_STATED] ?? 0) > 0) rows.push({ key: NOT_STATED, label: 'Not stated', codes: [NOT_STATED] });
  return rows;
}

/**
 * The reference group of a comparison: the group with the largest base (ties: the first
 * given). Groups in `exclude` (e.g. 'not-stated') are never the reference.
 */
export function referenceGroup<T extends { key: string; base: number }>(groups: readonly T[], exclude: readonly string[] = [NOT_STATED]): T | undefined {
  return groups.filter((g) => !exclude.includes(g.key) && g.base > 0).reduce<T | undefined>((best, g) => (!best || g.base > best.base ? g : best), undefined);
}
