import type { AdmissibleOffence, SchemeId } from '../types';
import { SEED } from './sources';

/** Possession of a small quantity: the offence every scheme is built on (all seeds). */
const possession = (source: AdmissibleOffence['source']): AdmissibleOffence => ({
  type: 'possession',
  requiresSubstanceMisuseLink: false,
  source,
});

/**
 * Admissible offence types per scheme. The 2021 Druglink programme also takes offences
 * "linked to substance misuse or addiction": the low-level offences the seed names
 * (shoplifting, theft, anti-social behaviour).
 */
export const ADMISSIBLE_OFFENCES: Readonly<Record<string, readonly AdmissibleOffence[]>> = {
  'west-berkshire-voluntary-pilot': [possession(SEED.windsorMaidenheadPilot)],
  'windsor-maidenhead-deferred-prosecution-pilot-adult': [possession(SEED.windsorMaidenheadPilot)],
  'windsor-maidenhead-pilot-youth': [possession(SEED.windsorMaidenheadPilot)],
  'thames-valley-youth-diversion': [possession(SEED.youthForceWide)],
  'thames-valley-adult-diversion-druglink': [
    possession(SEED.druglink),
    { type: 'shoplifting', requiresSubstanceMisuseLink: true, source: SEED.druglink },
    { type: 'theft', requiresSubstanceMisuseLink: true, source: SEED.druglink },
    { type: 'anti-social-behaviour', requiresSubstanceMisuseLink: true, source: SEED.druglink },
  ],
} satisfies Record<string & SchemeId, readonly AdmissibleOffence[]>;
