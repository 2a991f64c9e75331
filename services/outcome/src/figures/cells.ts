import { ukLocalDate } from '@ddp/domain';
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

/** The figures cell of a decision at intake, where no case follows (a refusal). */
export const encounterCell = (
  schemeId: string,
  d: { area: string; encounterAt: string; ageBand: string; equality?: { sex?: string; ethnicity?: string } },
): FigureCell => ({
  schemeId,
  area: d.area,
  month: ukLocalDate(new Date(d.encounterAt)).slice(0, 7),
  ageBand: d.ageBand,
  sex: d.equality?.sex ?? NOT_RECORDED,
  ethnicity: d.equality?.ethnicity ?? NOT_RECORDED,
});
