import type { RuleSet } from '../types';
import { AREAS } from './areas';
import { COURT_RESULTS } from './court-results';
import { CRIME_OUTCOMES } from './crime-outcomes';
import { PROVIDERS } from './providers';
import { SCHEMES } from './schemes';
import { SMALL_QUANTITY_THRESHOLDS } from './thresholds';
import { WITHDRAWAL_REASONS } from './withdrawal-reasons';

export { AREAS, COURT_RESULTS, CRIME_OUTCOMES, PROVIDERS, SCHEMES, SMALL_QUANTITY_THRESHOLDS, WITHDRAWAL_REASONS };
export { ADMISSIBLE_OFFENCES } from './admissible-offences';
export { HOME_OFFICE_COUNTING_RULES, SEED } from './sources';

/** The configuration the decision functions use unless given another. */
export const defaultRuleSet: RuleSet = {
  areas: AREAS,
  schemes: SCHEMES,
  thresholds: SMALL_QUANTITY_THRESHOLDS,
  providers: PROVIDERS,
  crimeOutcomes: CRIME_OUTCOMES,
  withdrawalReasons: WITHDRAWAL_REASONS,
  courtResults: COURT_RESULTS,
};
