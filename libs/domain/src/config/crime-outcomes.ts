import type { CrimeOutcome } from '../types';
import { HOME_OFFICE_COUNTING_RULES } from './sources';

/**
 * Home Office crime outcome codes the platform records. No seed names a code: the seeds say
 * what happens to the person (seed 003: young people get "a community resolution, which does
 * not leave a criminal footprint"; adults "a positive outcome"), and these rows are the
 * counting rules' codes for that.
 */
export const CRIME_OUTCOMES: readonly CrimeOutcome[] = [
  {
    code: 1,
    title: 'Charged/Summonsed',
    description: 'Charged or summonsed: a prosecution for the offence. Recorded when the courts unit records that a summons was issued, never when one is only requested.',
    source: HOME_OFFICE_COUNTING_RULES,
    note: 'Seed 001: not attending is "likely to result in a summons to court"; seed 004: the person "may be summoned to court". A request is not a summons.',
  },
  {
    code: 8,
    title: 'Community Resolution',
    description: 'Community resolution, with or without restorative justice; not shown on a standard DBS check.',
    source: HOME_OFFICE_COUNTING_RULES,
    note: 'Seed 003: "For young people, a community resolution is used".',
  },
  {
    code: 22,
    title: 'Diversionary, educational or intervention activity',
    description:
      'Diversionary, educational or intervention activity, resulting from the crime report, has been undertaken and it is not in the public interest to take any further action (available since April 2019).',
    source: HOME_OFFICE_COUNTING_RULES,
    note: 'Seed 003 (adults): "At the end of the course a positive outcome will be applied"; the seed names no code.',
  },
];
