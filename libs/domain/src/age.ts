import { assertIsoDate, ukLocalDate } from './time';
import type { AgeBand } from './types';

export const ADULT_AGE = 18;

/**
 * Age in whole years on a local date. A person born on 29 February reaches each new age on
 * 1 March in common years (as in England and Wales): comparing MM-DD strings gives exactly that.
 */
export function ageOnDate(dateOfBirth: string, localDate: string): number {
  assertIsoDate(dateOfBirth, 'dateOfBirth');
  assertIsoDate(localDate, 'localDate');
  const years = Number(localDate.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return localDate.slice(5) < dateOfBirth.slice(5) ? years - 1 : years;
}

/** 'youth' if under 18 on the Europe/London date of `at`, otherwise 'adult'. */
export function ageBandOn(dateOfBirth: string, at: Date): AgeBand {
  return ageOnDate(dateOfBirth, ukLocalDate(at)) < ADULT_AGE ? 'youth' : 'adult';
}
