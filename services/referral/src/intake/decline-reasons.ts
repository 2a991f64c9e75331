import type { DeclineReason } from '@ddp/domain';

/**
 * Each decline reason in plain words an officer can read out on a street at night.
 * Typed against the domain's DeclineReason, so a new reason fails to compile until it
 * has its words here.
 */
export const DECLINE_EXPLANATIONS: Readonly<Record<DeclineReason, string>> = {
  'date-of-birth-invalid': 'The date of birth is not a real date.',
  'date-of-birth-in-future': 'The date of birth is after the date of the encounter.',
  'unknown-area': 'The area code is not a policing area this service knows.',
  'no-scheme-in-force': 'No diversion scheme covered this area and age group on that date.',
  'offence-type-unknown': 'The offence type is not one this service is configured for.',
  'offence-not-admissible': 'The scheme does not take this kind of offence.',
  'offence-not-linked-to-substance-misuse': 'The offence is not linked to drug use, so it cannot be diverted.',
  'substance-unknown': 'The drug is not named, or has no small-amount limit and no officer judgement of the amount.',
  'quantity-missing': 'No amount of the drug was given.',
  'quantity-invalid': 'The amount of the drug is not a valid number.',
  'quantity-unit-not-comparable': 'The amount cannot be checked in that unit, and the officer did not judge it small.',
  'quantity-above-threshold': 'More than a small amount for personal use.',
  'quantity-not-judged-small': 'The officer judged the amount not small or not for personal use.',
  'suspected-supply': 'Supply is suspected.',
  'prior-non-engagement': 'They did not engage with an earlier diversion, and this scheme does not allow another.',
  'bwv-interview-missing': 'This scheme needs a body-worn video interview; no video reference was given.',
};

export function explainReason(code: string): string {
  return DECLINE_EXPLANATIONS[code as DeclineReason] ?? `Not eligible (${code}).`;
}
