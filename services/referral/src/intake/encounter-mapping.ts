import type { DiversionRefusedData, Encounter, EqualityMonitoring, ReferralCreatedData, ReferralDeclinedData } from '@ddp/contracts';
import type { DrugClass, EligibilityDecision, EncounterFacts, Provider } from '@ddp/domain';

/** The encounter as the eligibility rules see it (optional fields: null and absent alike). */
export function toEncounterFacts(encounter: Encounter): EncounterFacts {
  const { offence, indicators } = encounter;
  return {
    occurredAt: new Date(encounter.occurredAt),
    area: encounter.area,
    dateOfBirth: encounter.person.dateOfBirth,
    offence: {
      type: offence.type,
      ...(offence.substance != null && { substance: offence.substance }),
      ...(offence.drugClass != null && { drugClass: offence.drugClass as DrugClass }),
      ...(offence.quantity != null && { quantity: { value: offence.quantity.value, unit: offence.quantity.unit } }),
      ...(offence.officerJudgedSmallPersonalQuantity != null && { officerJudgedSmallPersonalQuantity: offence.officerJudgedSmallPersonalQuantity }),
    },
    indicators: {
      suspectedSupply: indicators.suspectedSupply,
      ...(indicators.linkedToSubstanceMisuse != null && { linkedToSubstanceMisuse: indicators.linkedToSubstanceMisuse }),
    },
    ...(encounter.bwvReference != null && { bwvReference: encounter.bwvReference }),
    ...(encounter.offer != null && { offer: { accepted: encounter.offer.accepted } }),
  };
}

/** Equality-monitoring categories for the events, only when the person gave some. */
export function equalityOf(encounter: Encounter): EqualityMonitoring | undefined {
  const { sex, ethnicity } = encounter.person;
  if (sex == null && ethnicity == null) return undefined;
  return { ...(sex != null && { sex }), ...(ethnicity != null && { ethnicity }) };
}

/** The non-personal facts of the offence, as stored with the decision. */
export function offenceRecord(encounter: Encounter): Record<string, unknown> {
  const { offence } = encounter;
  return {
    type: offence.type,
    ...(offence.substance != null && { substance: offence.substance }),
    ...(offence.drugClass != null && { drugClass: offence.drugClass }),
    ...(offence.quantity != null && { quantity: { value: offence.quantity.value, unit: offence.quantity.unit } }),
    ...(offence.officerJudgedSmallPersonalQuantity != null && { officerJudgedSmallPersonalQuantity: offence.officerJudgedSmallPersonalQuantity }),
  };
}

export function referralCreatedData(
  referralId: string, shortRef: string, encounter: Encounter, decision: EligibilityDecision, provider: Provider | undefined,
): ReferralCreatedData {
  const equality = equalityOf(encounter);
  return {
    referralId,
    shortRef,
    encounterId: encounter.encounterId,
    personRef: encounter.person.personRef,
    schemeId: decision.scheme!.id,
    area: encounter.area,
    ageBand: decision.ageBand!,
    offenceType: encounter.offence.type,
    ...(encounter.offence.substance != null && { substance: encounter.offence.substance }),
    ...(encounter.offence.drugClass != null && { drugClass: encounter.offence.drugClass }),
    encounterAt: encounter.occurredAt,
    assessmentDeadline: decision.assessmentDeadline!.toISOString(),
    ...(provider && { providerId: provider.id }),
    officerCollarNumber: encounter.officer.collarNumber,
    ...(encounter.bwvReference != null && { bwvReference: encounter.bwvReference }),
    ...(equality && { equality }),
    ...(decision.quantityBasis && { quantityBasis: decision.quantityBasis }),
  };
}

export function diversionRefusedData(referralId: string, encounter: Encounter, decision: EligibilityDecision): DiversionRefusedData {
  const equality = equalityOf(encounter);
  return {
    referralId,
    encounterId: encounter.encounterId,
    personRef: encounter.person.personRef,
    schemeId: decision.scheme!.id,
    area: encounter.area,
    ageBand: decision.ageBand!,
    offenceType: encounter.offence.type,
    encounterAt: encounter.occurredAt,
    officerCollarNumber: encounter.officer.collarNumber,
    ...(equality && { equality }),
  };
}

export function referralDeclinedData(referralId: string, encounter: Encounter, decision: EligibilityDecision): ReferralDeclinedData {
  const equality = equalityOf(encounter);
  return {
    referralId,
    encounterId: encounter.encounterId,
    personRef: encounter.person.personRef,
    area: encounter.area,
    ...(decision.ageBand && { ageBand: decision.ageBand }),
    reasons: [...decision.reasons],
    offenceType: encounter.offence.type,
    ...(decision.schemeConsidered && { schemeConsidered: decision.schemeConsidered.id }),
    encounterAt: encounter.occurredAt,
    officerCollarNumber: encounter.officer.collarNumber,
    ...(equality && { equality }),
  };
}
