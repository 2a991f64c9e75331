import { ArrayMinSize, IsArray, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { AGE_BANDS, CODE_PATTERN, DRUG_CLASSES, IsInstant, OptionalNested, type AgeBandValue } from '../common';
import { ETHNICITY_CATEGORIES, SEX_VALUES } from '../encounter';
import { TOPICS } from '../topics';
import { defineEvent } from './define';

/*
 * Events owned by the referral service (topic diversion.referral.v1).
 * Personal data rule: these carry the referral id and the pseudonymous personRef
 * (the police PNC/local id), never names or contact details.
 */

/**
 * Equality-monitoring categories (self-defined, optional), carried so the scheme
 * figures can show the scheme is applied fairly by sex and ethnicity. Categories only:
 * no name, contact detail or date of birth ever leaves the referral service.
 */
/** What judged a possession quantity small: a configured threshold, or the officer where none can. */
export const QUANTITY_BASES = ['threshold', 'officer-judgement'] as const;

export class EqualityMonitoring {
  @IsOptional() @IsIn(SEX_VALUES) sex?: string;
  @IsOptional() @IsIn(ETHNICITY_CATEGORIES) ethnicity?: string;
}

export class ReferralCreatedData {
  @IsString() @IsNotEmpty() referralId: string;
  /** Human-friendly reference read out over the phone (no confusable characters). */
  @Matches(/^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{4}$/) shortRef: string;
  @IsString() @IsNotEmpty() encounterId: string;
  @IsString() @IsNotEmpty() @MaxLength(40) personRef: string;
  @Matches(CODE_PATTERN) schemeId: string;
  @Matches(CODE_PATTERN) area: string;
  @IsIn(AGE_BANDS) ageBand: AgeBandValue;
  @Matches(CODE_PATTERN) offenceType: string;
  @IsOptional() @IsString() substance?: string;
  @IsOptional() @IsIn(DRUG_CLASSES) drugClass?: string;
  @IsInstant() encounterAt: string;
  @IsInstant() assessmentDeadline: string;
  /** The provider routing chose at intake (scheduling may re-route if it is full). */
  @IsOptional() @Matches(CODE_PATTERN) providerId?: string;
  @IsString() @IsNotEmpty() officerCollarNumber: string;
  @IsOptional() @IsString() bwvReference?: string;
  @OptionalNested(() => EqualityMonitoring) equality?: EqualityMonitoring;
  /** Possession: what judged the quantity small (added later: older events lack it). */
  @IsOptional() @IsIn(QUANTITY_BASES) quantityBasis?: string;
}

export const ReferralCreated = defineEvent({
  type: 'ReferralCreated',
  version: 1,
  topic: TOPICS.referral,
  data: ReferralCreatedData,
  description: 'An encounter was eligible: the person is referred to a drug service.',
});

export class ReferralDeclinedData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() encounterId: string;
  @IsString() @IsNotEmpty() @MaxLength(40) personRef: string;
  @Matches(CODE_PATTERN) area: string;
  /**
   * Absent only when no age band can be worked out: the date of birth is after the
   * encounter (reason 'date-of-birth-in-future'). Present on every other decline.
   */
  @IsOptional() @IsIn(AGE_BANDS) ageBand?: AgeBandValue;
  /** Reason codes in the domain's DECLINE_REASONS order (libs/domain). */
  @IsArray() @ArrayMinSize(1) @Matches(CODE_PATTERN, { each: true }) reasons: string[];
  /** The offence reported (optional; added after v1 first shipped, so older events lack it). */
  @IsOptional() @Matches(CODE_PATTERN) offenceType?: string;
  @IsOptional() @Matches(CODE_PATTERN) schemeConsidered?: string;
  @IsInstant() encounterAt: string;
  @IsString() @IsNotEmpty() officerCollarNumber: string;
  @OptionalNested(() => EqualityMonitoring) equality?: EqualityMonitoring;
}

export const ReferralDeclined = defineEvent({
  type: 'ReferralDeclined',
  version: 1,
  topic: TOPICS.referral,
  data: ReferralDeclinedData,
  description: 'An encounter was not eligible: the officer takes the normal route.',
});

/**
 * The person was eligible and refused the diversion offered on the street (seed 003: "The
 * power of choice should not be underestimated"): the officer takes the normal route. Its
 * own decision, not a decline: the figures count refusals apart.
 */
export class DiversionRefusedData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() encounterId: string;
  @IsString() @IsNotEmpty() @MaxLength(40) personRef: string;
  @Matches(CODE_PATTERN) schemeId: string;
  @Matches(CODE_PATTERN) area: string;
  @IsIn(AGE_BANDS) ageBand: AgeBandValue;
  @Matches(CODE_PATTERN) offenceType: string;
  @IsInstant() encounterAt: string;
  @IsString() @IsNotEmpty() officerCollarNumber: string;
  @OptionalNested(() => EqualityMonitoring) equality?: EqualityMonitoring;
}

export const DiversionRefused = defineEvent({
  type: 'DiversionRefused',
  version: 1,
  topic: TOPICS.referral,
  data: DiversionRefusedData,
  description: 'The person was eligible and refused the diversion offered: the officer takes the normal route.',
});

export class ReferralWithdrawnData {
  @IsString() @IsNotEmpty() referralId: string;
  @Matches(CODE_PATTERN) reasonCode: string;
  @IsString() @IsNotEmpty() withdrawnBy: string;
  @IsISO8601({ strict: true }) withdrawnAt: string;
}

export const ReferralWithdrawn = defineEvent({
  type: 'ReferralWithdrawn',
  version: 1,
  topic: TOPICS.referral,
  data: ReferralWithdrawnData,
  description: 'A live referral was withdrawn, with a reason code.',
});
