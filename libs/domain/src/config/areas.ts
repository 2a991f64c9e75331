import type { Area } from '../types';
import { DEFAULT, QUOTE } from './sources';

/** Areas existed before any scheme; the date only has to precede them all. */
const SINCE = '2000-01-01';
const LPA_NOTE = 'Thames Valley Local Policing Area; the list of LPAs is configuration (DOMAIN.md), not given by the seeds';

/** Thames Valley Local Policing Areas. */
export const AREAS: readonly Area[] = [
  { code: 'west-berkshire', name: 'West Berkshire', validFrom: SINCE, source: QUOTE.westBerkshireFirstPilot, note: 'named as the first pilot area' },
  { code: 'reading', name: 'Reading', validFrom: SINCE, source: DEFAULT, note: LPA_NOTE },
  { code: 'wokingham', name: 'Wokingham', validFrom: SINCE, source: DEFAULT, note: LPA_NOTE },
  { code: 'bracknell-forest', name: 'Bracknell Forest', validFrom: SINCE, source: DEFAULT, note: LPA_NOTE },
  { code: 'windsor-maidenhead', name: 'Windsor & Maidenhead', validFrom: SINCE, source: QUOTE.windsorMaidenheadStart, note: 'named as the second pilot area' },
  { code: 'slough', name: 'Slough', validFrom: SINCE, source: DEFAULT, note: LPA_NOTE },
  { code: 'chiltern-south-bucks', name: 'Chiltern & South Bucks', validFrom: SINCE, source: DEFAULT, note: LPA_NOTE },
  { code: 'wycombe', name: 'Wycombe', validFrom: SINCE, source: DEFAULT, note: LPA_NOTE },
  { code: 'aylesbury-vale', name: 'Aylesbury Vale', validFrom: SINCE, source: DEFAULT, note: LPA_NOTE },
  { code: 'milton-keynes', name: 'Milton Keynes', validFrom: SINCE, source: DEFAULT, note: LPA_NOTE },
  { code: 'oxford', name: 'Oxford', validFrom: SINCE, source: DEFAULT, note: LPA_NOTE },
  { code: 'cherwell-west-oxfordshire', name: 'Cherwell & West Oxfordshire', validFrom: SINCE, source: DEFAULT, note: LPA_NOTE },
  { code: 'south-vale', name: 'South & Vale (South Oxfordshire and Vale of White Horse)', validFrom: SINCE, source: DEFAULT, note: LPA_NOTE },
];
