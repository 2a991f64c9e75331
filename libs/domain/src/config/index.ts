import type { RuleSet } from '../types';
import { AREAS } from './areas';
import { COURT_RESULTS } from './court-results';
import { CRIME_OUTCOMES } from './crime-outcomes';
import { OFFENCE_TYPES } from './offence-types';
import { PROVIDERS } from './providers';
import { SCHEMES } from './schemes';
import { SMALL_QUANTITY_THRESHOLDS } from './thresholds';
import { WITHDRAWAL_REASONS } from './withdrawal-reasons';
import { YOUTH_OFFENDING_TEAMS } from './youth-offending-teams';

export { AREAS, COURT_RESULTS, CRIME_OUTCOMES, OFFENCE_TYPES, PROVIDERS, SCHEMES, SMALL_QUANTITY_THRESHOLDS, WITHDRAWAL_REASONS, YOUTH_OFFENDING_TEAMS };
export { ADMISSIBLE_OFFENCES } from './admissible-offences';
export { HOME_OFFICE_COUNTING_RULES, SEED, QUOTE, parseSeedQuote, type SeedFile } from './sources';

/** The configuration the decision functions use unless given another. */
export const defaultRuleSet: RuleSet = {
  areas: AREAS,
  schemes: SCHEMES,
  thresholds: SMALL_QUANTITY_THRESHOLDS,
  providers: PROVIDERS,
  crimeOutcomes: CRIME_OUTCOMES,
  withdrawalReasons: WITHDRAWAL_REASONS,
  courtResults: COURT_RESULTS,
  offenceTypes: OFFENCE_TYPES,
  youthOffendingTeams: YOUTH_OFFENDING_TEAMS,
};
