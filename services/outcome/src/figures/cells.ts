import type { FigureCell } from './figures.service';

/** The figures cell a referral counts in (its cohort). */
export const cellOf = (r: { schemeId: string; area: string; cohortMonth: string; ageBand: string; sex: string; ethnicity: string }): FigureCell => ({
  schemeId: r.schemeId,
  area: r.area,
  month: r.cohortMonth,
  ageBand: r.ageBand,
  sex: r.sex,
  ethnicity: r.ethnicity,
});

/** Equality categories are optional: absent ones are counted as 'not-recorded'. */
export const NOT_RECORDED = 'not-recorded';
