import type { AdmissibleOffence, SchemeId } from '../types';
import { QUOTE } from './sources';

/** Possession of a small quantity: the offence every scheme is built on. */
const possession = (source: AdmissibleOffence['source']): AdmissibleOffence => ({ pathway: 'possession', source });

/**
 * The offence pathways each scheme takes. Only the 2021 Druglink programme takes offences
 * "linked to substance misuse or addiction" (seed 004), of any configured type.
 */
export const ADMISSIBLE_OFFENCES: Readonly<Record<string, readonly AdmissibleOffence[]>> = {
  'west-berkshire-voluntary-pilot': [possession(QUOTE.pilotsSmallQuantities)],
  'windsor-maidenhead-deferred-prosecution-pilot-adult': [possession(QUOTE.pilotsSmallQuantities)],
  'windsor-maidenhead-pilot-youth': [possession(QUOTE.pilotsSmallQuantities)],
  'thames-valley-youth-diversion': [possession(QUOTE.youthSmallQuantities)],
  'thames-valley-adult-diversion-druglink': [possession(QUOTE.druglinkWho), { pathway: 'linked-to-substance-misuse', source: QUOTE.druglinkWho }],
} satisfies Record<string & SchemeId, readonly AdmissibleOffence[]>;
