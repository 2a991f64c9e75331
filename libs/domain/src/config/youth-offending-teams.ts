import type { YouthOffendingTeam } from '../types';
import { AREAS } from './areas';
import { QUOTE } from './sources';

/**
 * The Youth Offending Team each area shares its youth referrals with, from the force-wide
 * youth scheme's roll-out "in co-ordination with the Youth Offending Teams" (seed 002). The
 * seeds name no team: one per area, named after it; where its notices go is the
 * notification service's recipient directory.
 */
export const YOUTH_OFFENDING_TEAMS: readonly YouthOffendingTeam[] = AREAS.map((a) => ({
  area: a.code,
  name: `${a.name} Youth Offending Team`,
  validFrom: '2020-10-13',
  source: QUOTE.youthWithYots,
  note: 'the team names are placeholders (the seeds name none)',
}));
