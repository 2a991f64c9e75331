import type { Counts } from '../figures/figures.service';

/** The measures the outcome read model supports today (docs/evaluation-method.md, section 2). */
export const MEASURES = {
  declined: {
    label: 'Declined',
    definition: 'encounters declined (any reason) / encounters (referrals + declines)',
    count: (c: Counts) => c.declines,
    base: (c: Counts) => c.referrals + c.declines,
  },
  engagement: {
    label: 'Engagement',
    definition: 'referrals whose assessment was completed / cohort (referrals - withdrawals)',
    count: (c: Counts) => c.assessmentsCompleted,
    base: (c: Counts) => c.referrals - c.withdrawals,
  },
  completion: {
    label: 'Completion',
    definition: 'referrals whose course was completed / cohort',
    count: (c: Counts) => c.completions,
    base: (c: Counts) => c.referrals - c.withdrawals,
  },
  'not-sent-to-court': {
    label: 'Not sent to court',
    definition: 'cohort - (summons requests - summons requests withdrawn) / cohort',
    count: (c: Counts) => c.referrals - c.withdrawals - (c.summonsRequests - c.summonsWithdrawn),
    base: (c: Counts) => c.referrals - c.withdrawals,
  },
  'summons-requests': {
    label: 'Summons requests',
    definition: 'summons requests not withdrawn / cohort',
    count: (c: Counts) => c.summonsRequests - c.summonsWithdrawn,
    base: (c: Counts) => c.referrals - c.withdrawals,
  },
  'no-further-diversion': {
    label: 'No further diversion',
    definition: 'referrals ended as no further diversion / cohort',
    count: (c: Counts) => c.noFurtherDiversions,
    base: (c: Counts) => c.referrals - c.withdrawals,
  },
  'assessment-within-promise': {
    label: 'Assessed on the day or the next',
    definition: 'assessments completed by the scheme deadline (the end of the day after the encounter) / assessments completed',
    count: (c: Counts) => c.assessmentsWithinDeadline,
    base: (c: Counts) => c.assessmentsCompleted,
  },
} as const satisfies Record<string, { label: string; definition: string; count: (c: Counts) => number; base: (c: Counts) => number }>;

export type MeasureId = keyof typeof MEASURES;
export const MEASURE_IDS = Object.keys(MEASURES) as MeasureId[];

/** The groupings of the fairness tables, and the read model's column for each. */
export const GROUPINGS = { ethnicity: 'ethnicity', ageBand: 'age_band', sex: 'sex', area: 'area', scheme: 'scheme_id' } as const;
export type Grouping = keyof typeof GROUPINGS;

/** The two pilots compared side by side, adults (seed 001: "The differences between the two will then be evaluated"). */
export const PILOTS = {
  voluntary: 'west-berkshire-voluntary-pilot',
  deferred: 'windsor-maidenhead-deferred-prosecution-pilot-adult',
} as const;

/** The data dictionary: every field the evaluation routes return, JSON and CSV alike. */
export const DATA_DICTIONARY = {
  fields: {
    measure: 'the measure id (see measures)',
    group: 'the group of the row (a detailed or high-level ethnic group, an age band, a sex, an area or a scheme)',
    count: 'people (referrals or encounters) counted by the measure; null (CSV "[c]") when hidden by disclosure control',
    base: 'people the rate is out of; null (CSV "[c]") when hidden',
    rate: 'count / base; null when either is hidden or the base is 0',
    lower: 'lower end of the 95 % interval of the rate (Wilson score)',
    upper: 'upper end of the 95 % interval of the rate (Wilson score)',
    smallBase: 'true when the base is under the small-base mark: read the rate with care',
    suppressed: 'true when a figure of the row is hidden (primary: under the minimum count; secondary: it would reveal a hidden one)',
    reference: 'true for the reference group of the comparison (the largest group; never "not stated")',
    rri: "relative rate index: the group's rate / the reference group's rate",
    rriLower: 'lower end of the 95 % interval of the index (Katz log method)',
    rriUpper: 'upper end of the 95 % interval of the index',
    flag: "'higher' / 'lower' when the interval lies wholly above / below 1, 'no-evidence' when it contains 1, 'not-estimable' (a base of 0, no events on either side, or a hidden figure)",
    zeroCorrected: 'one of the two counts was 0, so 0.5 was added to each cell before the index was computed',
    difference: "voluntary pilot's rate - deferred prosecution pilot's rate (comparison only)",
    differenceLower: "lower end of the 95 % interval of the difference (Newcombe's hybrid score)",
    differenceUpper: 'upper end of the 95 % interval of the difference',
  },
  measures: Object.fromEntries(MEASURE_IDS.map((id) => [id, MEASURES[id].definition])),
  notes: [
    "Cohort: referrals counted in their encounter's month (Europe/London); recent months are still open.",
    'Disclosure control: any figure under the minimum count (default 5) is hidden, and further figures are hidden so that no hidden one can be worked out from what is shown.',
    'Method: docs/evaluation-method.md.',
  ],
} as const;
