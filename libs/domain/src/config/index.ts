import type { RuleSet } from '../types';
import { AREAS } from './areas';
import { CRIME_OUTCOMES } from './crime-outcomes';
import { PROVIDERS } from './providers';
import { SCHEMES } from './schemes';
import { SMALL_QUANTITY_THRESHOLDS } from './thresholds';
import { WITHDRAWAL_REASONS } from './withdrawal-reasons';

export { AREAS, CRIME_OUTCOMES, PROVIDERS, SCHEMES, SMALL_QUANTITY_THRESHOLDS, WITHDRAWAL_REASONS };
export { ADMISSIBLE_OFFENCES } from './admissible-offences';
export { SEED } from './sources';

/** The configuration the decision functions use unless given another. */
export const defaultRuleSet: RuleSet = {
  areas: AREAS,
  schemes: SCHEMES,
  thresholds: SMALL_QUANTITY_THRESHOLDS,
  providers: PROVIDERS,
  crimeOutcomes: CRIME_OUTCOMES,
  withdrawalReasons: WITHDRAWAL_REASONS,
};
