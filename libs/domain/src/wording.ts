import type { Scheme } from './types';

/** How notices and event texts speak of a scheme: what it is, and what failing it means. */
export interface SchemeWording {
  /** What the diversion is, e.g. "a deferred prosecution". */
  disposal: string;
  /** To the courts unit and in event texts: what happened and what follows. */
  failure: string;
  /** To the person, in the show-cause notice: what follows if they do not get in touch. */
  consequenceForPerson: string;
}

const DISPOSAL: Record<Scheme['disposal'], string> = {
  // Seed 003: adults get "a deferred summons approach".
  'deferred-prosecution': 'a deferred prosecution',
  // Seed 003: "For young people, a community resolution is used"; seed 002: "as an alternative to facing prosecution".
  'community-resolution': 'a community resolution offered as an alternative to prosecution',
  // Seed 001: West Berkshire "is a voluntary attendance scheme".
  'voluntary-attendance': 'a voluntary attendance scheme',
};

/**
 * The wording follows the scheme's disposal and failure consequence, never an assumed adult
 * deferred prosecution: the youth scheme is a community resolution whose consequence is
 * prosecution (seed 002: those who do not engage "will face arrest and prosecution").
 */
export function schemeWording(scheme: Pick<Scheme, 'disposal' | 'failureConsequence'>): SchemeWording {
  const disposal = DISPOSAL[scheme.disposal];
  switch (scheme.failureConsequence) {
    case 'summons-request':
      return scheme.disposal === 'deferred-prosecution'
        ? {
            disposal,
            // Seed 004: "reported for the offence and may be summoned to court".
            failure: 'the deferred prosecution has failed: the person did not engage and is reported for the offence. A summons is requested.',
            consequenceForPerson: 'you may be reported for the offence and summoned to court',
          }
        : {
            disposal,
            failure: `the person did not engage with ${disposal}; under this scheme that means prosecution for the offence. A summons is requested.`,
            consequenceForPerson: 'you may be prosecuted for the offence instead',
          };
    case 'no-further-diversion':
      return {
        disposal,
        // Seed 001: "no longer eligible for a further diversion if found in possession of drugs again".
        failure: 'the person did not engage; they are no longer eligible for a further diversion if found in possession again.',
        consequenceForPerson: 'you will not be offered a diversion again if you are found in possession of drugs in the future',
      };
    case 'none':
      return { disposal, failure: 'the person did not engage; the scheme sets no consequence.', consequenceForPerson: 'this may affect your diversion' };
  }
}
