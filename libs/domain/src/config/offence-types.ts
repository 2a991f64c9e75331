import type { OffenceTypeRow } from '../types';
import { DEFAULT, QUOTE } from './sources';

/** Offence types do not depend on a scheme: valid from before the first one. */
const SINCE = '2000-01-01';

/**
 * The offence types an encounter may report, and the pathway each leads to. Seed 004 takes
 * offences "linked to substance misuse or addiction" and names shoplifting, theft and
 * anti-social behaviour only as examples of existing disposals; seed 003 adds sex work and
 * knife crime. A new offence type is a new row here, no code change.
 */
export const OFFENCE_TYPES: readonly OffenceTypeRow[] = [
  { code: 'possession', name: 'Possession of a controlled drug', pathway: 'possession', validFrom: SINCE, source: QUOTE.pilotsSmallQuantities },
  { code: 'shoplifting', name: 'Shoplifting', pathway: 'linked-to-substance-misuse', validFrom: SINCE, source: QUOTE.existingDisposals },
  { code: 'theft', name: 'Theft', pathway: 'linked-to-substance-misuse', validFrom: SINCE, source: QUOTE.existingDisposals },
  { code: 'anti-social-behaviour', name: 'Anti-social behaviour', pathway: 'linked-to-substance-misuse', validFrom: SINCE, source: QUOTE.existingDisposals },
  { code: 'sex-work', name: 'Offences related to sex work', pathway: 'linked-to-substance-misuse', validFrom: SINCE, source: QUOTE.otherCrimeTypes },
  { code: 'knife-possession', name: 'Possession of a knife or bladed article', pathway: 'linked-to-substance-misuse', validFrom: SINCE, source: QUOTE.otherCrimeTypes },
  {
    code: 'other-linked-offence',
    name: 'Another low-level offence linked to substance misuse',
    pathway: 'linked-to-substance-misuse',
    validFrom: SINCE,
    source: DEFAULT,
    note: 'seed 004 does not close the list ("where their offence is linked to substance misuse or addiction"); a catch-all until the force adds the type',
  },
];
