import type { CrimeOutcome } from '../types';
import { DEFAULT } from './sources';

const NOTE = 'Home Office Counting Rules outcome, as summarised in DOMAIN.md (not in the seeds)';

/** Home Office crime outcome codes the platform records. */
export const CRIME_OUTCOMES: readonly CrimeOutcome[] = [
  {
    code: 1,
    title: 'Charged/Summonsed',
    description: 'Charged or summonsed: a prosecution for the offence.',
    source: DEFAULT,
    note: NOTE,
  },
  {
    code: 8,
    title: 'Community Resolution',
    description: 'Community resolution, with or without restorative justice; not shown on a standard DBS check.',
    source: DEFAULT,
    note: NOTE,
  },
  {
    code: 22,
    title: 'Diversionary, educational or intervention activity',
    description:
      'Diversionary, educational or intervention activity, resulting from the crime report, has been undertaken and it is not in the public interest to take any further action (available since April 2019).',
    source: DEFAULT,
    note: NOTE,
  },
];
