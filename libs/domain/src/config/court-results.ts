import type { CourtResultRule } from '../types';
import { DEFAULT, HOME_OFFICE_COUNTING_RULES } from './sources';

/**
 * What the courts unit records on a summons request, and the crime outcome each result
 * means. A failed diversion's outcome stays pending until a result settles it (seed 001:
 * "likely to result in a summons to court"; seed 004: "may be summoned to court").
 */
export const COURT_RESULTS: readonly CourtResultRule[] = [
  {
    result: 'summons-issued',
    description: 'The court issued the summons.',
    crimeOutcome: 1,
    source: HOME_OFFICE_COUNTING_RULES,
    note: 'Outcome 1 is "charged/summonsed": the summons exists.',
  },
  {
    result: 'adjourned',
    description: 'A hearing took place and was adjourned.',
    crimeOutcome: 1,
    source: HOME_OFFICE_COUNTING_RULES,
    note: 'A hearing means the person was summonsed; Outcome 1 records the summons, not the verdict.',
  },
  {
    result: 'guilty',
    description: 'Found guilty.',
    crimeOutcome: 1,
    source: HOME_OFFICE_COUNTING_RULES,
    note: 'Outcome 1 records the summons, not the verdict.',
  },
  {
    result: 'not-guilty',
    description: 'Found not guilty.',
    crimeOutcome: 1,
    source: HOME_OFFICE_COUNTING_RULES,
    note: 'Outcome 1 records the summons, not the verdict.',
  },
  {
    result: 'dismissed',
    description: 'The case was dismissed at a hearing.',
    crimeOutcome: 1,
    source: HOME_OFFICE_COUNTING_RULES,
    note: 'Outcome 1 records the summons, not the verdict.',
  },
  {
    result: 'summons-not-issued',
    description: 'No summons was issued.',
    crimeOutcome: 'none',
    source: DEFAULT,
    note: 'No prosecution follows, so not Outcome 1; which other code applies is the force\'s crime recording decision, not this platform\'s.',
  },
  {
    result: 'discontinued',
    description: 'The prosecution was discontinued before a hearing.',
    crimeOutcome: 'none',
    source: DEFAULT,
    note: 'Read as a prosecution that does not go ahead: like summons-not-issued, no code from the platform.',
  },
  {
    result: 'other',
    description: 'Anything else (see the notes recorded with it).',
    crimeOutcome: 'pending',
    source: DEFAULT,
    note: 'Settles nothing: the outcome stays pending until a result that does.',
  },
];
