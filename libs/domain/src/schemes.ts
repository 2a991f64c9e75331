import { defaultRuleSet } from './config';
import { addDays, assertValidInstant, endOfUkDay, inForceOn, ukLocalDate } from './time';
import type { AgeBand, Area, AreaCode, RuleSet, Scheme, YouthOffendingTeam } from './types';

/** The area row in force on a local date, if the code is known. */
export function areaOn(area: AreaCode, localDate: string, rules: RuleSet = defaultRuleSet): Area | undefined {
  return rules.areas.find((a) => a.code === area && inForceOn(a, localDate));
}

/** Whether a row's coverage ('force-wide' or a list of areas) includes an area. */
export function covers(coverage: readonly AreaCode[] | 'force-wide', area: AreaCode): boolean {
  return coverage === 'force-wide' || coverage.includes(area);
}

/** Latest validFrom first; ties broken by id so the choice never depends on table order. */
export function byPrecedence<T extends { validFrom: string; id: string }>(a: T, b: T): number {
  if (a.validFrom !== b.validFrom) return a.validFrom > b.validFrom ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The scheme in force on a Europe/London local date for an area and age band. */
export function schemeInForceOn(area: AreaCode, ageBand: AgeBand, localDate: string, rules: RuleSet = defaultRuleSet): Scheme | undefined {
  if (!areaOn(area, localDate, rules)) return undefined;
  const candidates = rules.schemes.filter((s) => covers(s.areas, area) && s.ageBands.includes(ageBand) && inForceOn(s, localDate));
  return [...candidates].sort(byPrecedence)[0];
}

/**
 * The scheme that applies to an encounter at `at` in `area` for a person in `ageBand`:
 * among the schemes in force on the Europe/London date that cover the area and age band,
 * the most recently started one (a force-wide scheme replaces a pilot from its start).
 */
export function schemeInForce(area: AreaCode, ageBand: AgeBand, at: Date, rules: RuleSet = defaultRuleSet): Scheme | undefined {
  return schemeInForceOn(area, ageBand, ukLocalDate(at), rules);
}

/** The scheme with an id, if configured. */
export function schemeById(id: string, rules: RuleSet = defaultRuleSet): Scheme | undefined {
  return rules.schemes.find((s) => s.id === id);
}

/**
 * Deadline for the telephone assessment: the end of the day after the encounter (by
 * default), Europe/London local time, whatever the GMT/BST offset on either day.
 */
export function assessmentDeadline(encounterAt: Date, scheme: Scheme): Date {
  assertValidInstant(encounterAt, 'encounterAt');
  return endOfUkDay(addDays(ukLocalDate(encounterAt), scheme.assessmentDeadline.daysAfterEncounter));
}

/**
 * The Youth Offending Team a young person's referral in an area is shared with on a local
 * date (seed 002: rolled out "in co-ordination with the Youth Offending Teams"), if any.
 */
export function youthOffendingTeamOn(area: AreaCode, localDate: string, rules: RuleSet = defaultRuleSet): YouthOffendingTeam | undefined {
  return rules.youthOffendingTeams.find((y) => y.area === area && inForceOn(y, localDate));
}
