import { ageOnDate, ADULT_AGE } from './age';
import { defaultRuleSet } from './config';
import { areaOn, assessmentDeadline, schemeInForceOn } from './schemes';
import { assertValidInstant, inForceOn, isIsoDate, ukLocalDate } from './time';
import type { AgeBand, AreaCode, DrugClass, OffenceType, OffenceTypeRow, QuantityUnit, RuleSet, Scheme, SchemeId, SmallQuantityThreshold, Source } from './types';

/** What the police system reports about an encounter, as the eligibility rules need it. */
export interface EncounterFacts {
  occurredAt: Date;
  area: AreaCode;
  /** YYYY-MM-DD. */
  dateOfBirth: string;
  offence: {
    /** A configured offence type code (RuleSet.offenceTypes). */
    type: OffenceType;
    /** Lower-case substance code, e.g. 'cannabis'. Needed for possession. */
    substance?: string;
    drugClass?: DrugClass;
    /** Needed for possession. Units: g, mg, kg, tablets, wraps (others cannot be compared). */
    quantity?: { value: number; unit: string };
    /**
     * The officer's judgement that the quantity is small and for personal use. It decides
     * only where no threshold row can judge the quantity (a substance without a row, or a
     * unit the rows cannot compare); a threshold, where there is one, decides.
     */
    officerJudgedSmallPersonalQuantity?: boolean;
  };
  indicators: {
    suspectedSupply: boolean;
    /**
     * For non-possession offences (shoplifting, theft, anti-social behaviour) under a
     * scheme that takes them only when "linked to substance misuse": false means the
     * officer found no link. Absent counts as linked: referring the offence to drug
     * diversion is the officer's statement that it is.
     */
    linkedToSubstanceMisuse?: boolean;
  };
  /** Reference of the street interview recorded on body-worn video. */
  bwvReference?: string;
  /**
   * Diversion was offered on the street, and whether the person accepted. Absent: the offer
   * was not recorded (the referral goes ahead; the provider's call is then the offer).
   */
  offer?: { accepted: boolean };
}

export type DiversionOutcome = 'completed' | 'no-further-diversion' | 'summons-requested' | 'excused' | 'withdrawn' | 'in-progress';

/** One earlier diversion of the same person. */
export interface DiversionHistoryEntry {
  referralId: string;
  schemeId: SchemeId;
  outcome: DiversionOutcome;
  decidedAt: Date;
}

/** Machine-readable reasons a diversion is refused, in the order they are reported. */
export const DECLINE_REASONS = [
  'date-of-birth-invalid',
  'date-of-birth-in-future',
  'unknown-area',
  'no-scheme-in-force',
  'offence-type-unknown',
  'offence-not-admissible',
  'offence-not-linked-to-substance-misuse',
  'substance-unknown',
  'quantity-missing',
  'quantity-invalid',
  'quantity-unit-not-comparable',
  'quantity-above-threshold',
  'quantity-not-judged-small',
  'suspected-supply',
  'prior-non-engagement',
  'bwv-interview-missing',
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

/** What judged the quantity small: a threshold row, or the officer where no row can. */
export type QuantityBasis = 'threshold' | 'officer-judgement';

/**
 * What happens to the encounter: a referral, a decline (not eligible: the normal route), or
 * the person's refusal of a diversion they were eligible for (also the normal route).
 */
export type EncounterRoute = 'referred' | 'declined' | 'refused';

export interface EligibilityDecision {
  eligible: boolean;
  /** 'refused' only when eligible and the person turned the offer down. */
  route: EncounterRoute;
  /** Every reason that applies, in DECLINE_REASONS order; empty iff eligible. */
  reasons: DeclineReason[];
  /** Europe/London date of the encounter, on which every rule was read. */
  localDate: string;
  /** Absent only when the date of birth is invalid or in the future. */
  ageBand?: AgeBand;
  /** The scheme the person is diverted under: present iff eligible. */
  scheme?: Scheme;
  /** The scheme in force for the area, age band and date, whether or not the person is eligible. */
  schemeConsidered?: Scheme;
  /** Deadline of the telephone assessment: present iff eligible. */
  assessmentDeadline?: Date;
  /** The small-quantity threshold the quantity was compared with, if any. */
  threshold?: SmallQuantityThreshold;
  /** Possession only: what judged the quantity, when it was judged small. */
  quantityBasis?: QuantityBasis;
  /** Sources of every rule row that was read, sorted. */
  provenance: Source[];
}

const NON_ENGAGEMENT: readonly DiversionOutcome[] = ['no-further-diversion', 'summons-requested'];
const CONCLUDED: readonly DiversionOutcome[] = ['completed', 'excused', 'no-further-diversion', 'summons-requested'];

/** Quantity units accepted on input, with the threshold unit and factor they convert to. */
const UNIT_CONVERSIONS: Readonly<Record<string, { unit: QuantityUnit; factor: number }>> = {
  mg: { unit: 'g', factor: 0.001 },
  g: { unit: 'g', factor: 1 },
  kg: { unit: 'g', factor: 1000 },
  tablet: { unit: 'tablets', factor: 1 },
  tablets: { unit: 'tablets', factor: 1 },
  wrap: { unit: 'wraps', factor: 1 },
  wraps: { unit: 'wraps', factor: 1 },
};

/** A quantity expressed in a threshold unit, or undefined if the unit is not comparable. */
export function normaliseQuantity(quantity: { value: number; unit: string }): { value: number; unit: QuantityUnit } | undefined {
  const conversion = UNIT_CONVERSIONS[quantity.unit.trim().toLowerCase()];
  return conversion && { value: quantity.value * conversion.factor, unit: conversion.unit };
}

function compareHistory(a: DiversionHistoryEntry, b: DiversionHistoryEntry): number {
  const t = a.decidedAt.getTime() - b.decidedAt.getTime();
  if (t !== 0) return t;
  if (a.referralId !== b.referralId) return a.referralId < b.referralId ? -1 : 1;
  return CONCLUDED.indexOf(a.outcome) - CONCLUDED.indexOf(b.outcome);
}

/**
 * Whether the person's history bars a new diversion under the scheme's repeat policy.
 * Only entries decided at or before the encounter count and, when the date of birth is
 * given, only those decided while the person was in the same age band as now: what a
 * young person did not finish does not bar an adult scheme "open to everybody regardless
 * of previous convictions" (seed 003; README, judgement calls).
 */
export function priorNonEngagement(scheme: Scheme, history: readonly DiversionHistoryEntry[], at: Date, dateOfBirth?: string): boolean {
  const bandNow = dateOfBirth === undefined ? undefined : ageBandOnDate(dateOfBirth, ukLocalDate(at));
  const known = history.filter((h) => {
    assertValidInstant(h.decidedAt, `decidedAt of referral ${h.referralId}`);
    if (h.decidedAt.getTime() > at.getTime()) return false;
    return bandNow === undefined || ageBandOnDate(dateOfBirth as string, ukLocalDate(h.decidedAt)) === bandNow;
  });
  if (scheme.repeatPolicy === 'until-non-engagement') {
    return known.some((h) => NON_ENGAGEMENT.includes(h.outcome));
  }
  const concluded = known.filter((h) => CONCLUDED.includes(h.outcome)).sort(compareHistory);
  const latest = concluded[concluded.length - 1];
  return latest !== undefined && NON_ENGAGEMENT.includes(latest.outcome);
}

function ageBandOnDate(dateOfBirth: string, localDate: string): AgeBand {
  return ageOnDate(dateOfBirth, localDate) < ADULT_AGE ? 'youth' : 'adult';
}

/**
 * Judges a possession quantity: against the threshold row for the substance and unit where
 * there is one; otherwise by the officer's judgement of a small, personal quantity. Without
 * either, the reason says what was missing (no row for the substance, or none in that unit).
 */
function checkQuantity(
  offence: EncounterFacts['offence'],
  localDate: string,
  rules: RuleSet,
  reasons: Set<DeclineReason>,
): { threshold?: SmallQuantityThreshold; basis?: QuantityBasis } {
  const substance = offence.substance?.trim().toLowerCase();
  const rows = substance ? rules.thresholds.filter((t) => t.substance === substance && inForceOn(t, localDate)) : [];
  const judged = offence.officerJudgedSmallPersonalQuantity;
  if (!substance || (rows.length === 0 && judged === undefined)) reasons.add('substance-unknown');
  const q = offence.quantity;
  if (!q) {
    reasons.add('quantity-missing');
    return {};
  }
  if (!Number.isFinite(q.value) || q.value < 0) {
    reasons.add('quantity-invalid');
    return {};
  }
  const normalised = normaliseQuantity(q);
  const threshold = normalised && rows.find((t) => t.unit === normalised.unit);
  if (normalised && threshold) {
    if (normalised.value > threshold.maxQuantity) reasons.add('quantity-above-threshold');
    return { threshold, basis: 'threshold' };
  }
  if (!substance) return {};
  if (judged === true) return { basis: 'officer-judgement' };
  if (judged === false) reasons.add('quantity-not-judged-small');
  else if (rows.length > 0) reasons.add('quantity-unit-not-comparable');
  return {};
}

/**
 * Decides whether an encounter can be diverted, and under which scheme. Pure: the same
 * facts, history and rules always give the same decision (history order does not matter).
 */
export function decideEligibility(
  encounter: EncounterFacts,
  history: readonly DiversionHistoryEntry[],
  rules: RuleSet = defaultRuleSet,
): EligibilityDecision {
  assertValidInstant(encounter.occurredAt, 'occurredAt');
  const localDate = ukLocalDate(encounter.occurredAt);
  const reasons = new Set<DeclineReason>();
  const sources = new Set<Source>();

  let ageBand: AgeBand | undefined;
  if (!isIsoDate(encounter.dateOfBirth)) reasons.add('date-of-birth-invalid');
  else if (encounter.dateOfBirth > localDate) reasons.add('date-of-birth-in-future');
  else ageBand = ageBandOnDate(encounter.dateOfBirth, localDate);

  const area = areaOn(encounter.area, localDate, rules);
  if (area) sources.add(area.source);
  else reasons.add('unknown-area');

  const scheme = area && ageBand ? schemeInForceOn(encounter.area, ageBand, localDate, rules) : undefined;
  if (area && ageBand && !scheme) reasons.add('no-scheme-in-force');

  const { offence } = encounter;
  const offenceType = offenceTypeOn(offence.type, localDate, rules);
  if (offenceType) sources.add(offenceType.source);
  else reasons.add('offence-type-unknown');
  let quantity: ReturnType<typeof checkQuantity> = {};
  if (offenceType?.pathway === 'possession') {
    quantity = checkQuantity(offence, localDate, rules, reasons);
    if (quantity.threshold) sources.add(quantity.threshold.source);
  }
  if (encounter.indicators.suspectedSupply) reasons.add('suspected-supply');

  if (scheme) {
    sources.add(scheme.source);
    sources.add(scheme.provenance.validity);
    sources.add(scheme.provenance.coverage);
    const admissible = offenceType && scheme.admissibleOffences.find((o) => o.pathway === offenceType.pathway);
    if (offenceType && !admissible) reasons.add('offence-not-admissible');
    if (admissible) {
      sources.add(admissible.source);
      if (admissible.pathway === 'linked-to-substance-misuse' && encounter.indicators.linkedToSubstanceMisuse === false) {
        reasons.add('offence-not-linked-to-substance-misuse');
      }
    }
    sources.add(scheme.provenance.repeatPolicy);
    const dateOfBirth = ageBand ? encounter.dateOfBirth : undefined;
    if (priorNonEngagement(scheme, history, encounter.occurredAt, dateOfBirth)) reasons.add('prior-non-engagement');
    if (scheme.requiresBwvInterview) {
      sources.add(scheme.provenance.requiresBwvInterview);
      if (!encounter.bwvReference?.trim()) reasons.add('bwv-interview-missing');
    }
  }

  const ordered = DECLINE_REASONS.filter((r) => reasons.has(r));
  const eligible = ordered.length === 0;
  if (eligible) sources.add((scheme as Scheme).provenance.assessmentDeadline);
  const route: EncounterRoute = !eligible ? 'declined' : encounter.offer?.accepted === false ? 'refused' : 'referred';
  return {
    eligible,
    route,
    reasons: ordered,
    localDate,
    ...(ageBand && { ageBand }),
    ...(eligible && { scheme, assessmentDeadline: assessmentDeadline(encounter.occurredAt, scheme as Scheme) }),
    ...(scheme && { schemeConsidered: scheme }),
    ...(quantity.threshold && { threshold: quantity.threshold }),
    ...(eligible && quantity.basis && { quantityBasis: quantity.basis }),
    provenance: [...sources].sort(),
  };
}

/** The offence type row in force on a local date, if the code is configured. */
export function offenceTypeOn(code: string, localDate: string, rules: RuleSet = defaultRuleSet): OffenceTypeRow | undefined {
  return rules.offenceTypes.find((t) => t.code === code && inForceOn(t, localDate));
}
