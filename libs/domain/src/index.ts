/** @ddp/domain: the pure rules of police drug diversion. See ../README.md. */
export * from './types';
export * from './time';
export * from './age';
export * from './schemes';
export * from './eligibility';
export * from './routing';
export * from './lifecycle';
export { assessAttendance, eventForAttendance, showCauseDeadline } from './compliance';
export type { AttendanceMark, AbsenceClass, AttendanceAssessment } from './compliance';
export * from './outcome';
export * from './wording';
export * from './capacity';
export { FOLLOW_UP, type FollowUpRule } from './config/follow-up';
export * from './rule-table';
export {
  defaultRuleSet,
  AREAS,
  SCHEMES,
  SMALL_QUANTITY_THRESHOLDS,
  PROVIDERS,
  CRIME_OUTCOMES,
  WITHDRAWAL_REASONS,
  COURT_RESULTS,
  ADMISSIBLE_OFFENCES,
  OFFENCE_TYPES,
  YOUTH_OFFENDING_TEAMS,
  SEED,
  HOME_OFFICE_COUNTING_RULES,
  QUOTE,
  parseSeedQuote,
  type SeedFile,
} from './config';
