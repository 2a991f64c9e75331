import {
  IsBoolean, IsEmail, IsIn, IsNotEmpty, IsNumber, IsOptional, IsPositive, IsString, Matches, MaxLength,
} from 'class-validator';
import { CODE_PATTERN, DRUG_CLASSES, IsCalendarDate, IsInstant, Nested, OptionalNested } from './common';

/**
 * What a police system reports when an officer meets someone: the body of
 * POST /v1/encounters and the value of each message on police.encounters.v1
 * (key = encounterId). Both paths run these same rules.
 */
export class EncounterOfficer {
  @IsString() @IsNotEmpty() @MaxLength(20) collarNumber: string;
}

export class EncounterContact {
  @IsOptional() @Matches(/^\+?[0-9 ]{7,20}$/, { message: 'phone must be a telephone number (digits, spaces, optional leading +)' })
  phone?: string;
  @IsOptional() @IsEmail() @MaxLength(254) email?: string;
}

/** ONS 2021 census ethnic groups (self-defined); used only for fairness figures. */
export const ETHNICITY_CATEGORIES = [
  'asian-bangladeshi', 'asian-chinese', 'asian-indian', 'asian-pakistani', 'asian-other',
  'black-african', 'black-caribbean', 'black-other',
  'mixed-white-asian', 'mixed-white-black-african', 'mixed-white-black-caribbean', 'mixed-other',
  'white-english-welsh-scottish-northern-irish-british', 'white-irish', 'white-gypsy-irish-traveller', 'white-roma', 'white-other',
  'other-arab', 'other-any', 'not-stated',
] as const;

export const SEX_VALUES = ['female', 'male', 'not-stated'] as const;

/**
 * A parent's or guardian's contact, for a young person: notices about the child reach this
 * adult too. Personal data: it stays in the referral service like the person's own contact.
 */
export class EncounterGuardian {
  @IsString() @IsNotEmpty() @MaxLength(200) name: string;
  @IsOptional() @IsString() @MaxLength(60) relationship?: string;
  @IsOptional() @Matches(/^\+?[0-9 ]{7,20}$/, { message: 'phone must be a telephone number (digits, spaces, optional leading +)' })
  phone?: string;
  @IsOptional() @IsEmail() @MaxLength(254) email?: string;
}

export class EncounterPerson {
  @IsString() @IsNotEmpty() @MaxLength(40) personRef: string;
  @IsCalendarDate() dateOfBirth: string;
  @IsString() @IsNotEmpty() @MaxLength(100) givenName: string;
  @IsString() @IsNotEmpty() @MaxLength(100) familyName: string;
  @OptionalNested(() => EncounterContact) contact?: EncounterContact;
  @IsOptional() @IsIn(ETHNICITY_CATEGORIES) ethnicity?: string;
  @IsOptional() @IsIn(SEX_VALUES) sex?: string;
  @OptionalNested(() => EncounterGuardian) guardian?: EncounterGuardian;
}

export class EncounterQuantity {
  @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive() value: number;
  @IsIn(['g', 'mg', 'ml', 'tablets', 'wraps']) unit: string;
}

export class EncounterOffence {
  /** An offence type code the domain configures (e.g. possession, shoplifting): not a closed list here. */
  @IsString() @Matches(CODE_PATTERN, { message: 'type must be an offence type code, e.g. possession' }) @MaxLength(60) type: string;
  @IsOptional() @IsString() @Matches(CODE_PATTERN, { message: 'substance must be a lower-case code, e.g. cannabis' }) @MaxLength(40)
  substance?: string;
  @IsOptional() @IsIn(DRUG_CLASSES) drugClass?: 'A' | 'B' | 'C';
  @OptionalNested(() => EncounterQuantity) quantity?: EncounterQuantity;
  /** The officer judges the quantity small and for personal use: decides where no threshold can. */
  @IsOptional() @IsBoolean() officerJudgedSmallPersonalQuantity?: boolean;
}

export class EncounterIndicators {
  @IsBoolean() suspectedSupply: boolean;
  /** For an offence other than possession: the officer judges it linked to substance misuse. */
  @IsOptional() @IsBoolean() linkedToSubstanceMisuse?: boolean;
}

/** Diversion was offered to the person on the street; whether they accepted. */
export class EncounterOffer {
  @IsBoolean() accepted: boolean;
}

export class Encounter {
  @IsString() @IsNotEmpty() @MaxLength(64) @Matches(/^[A-Za-z0-9._:-]+$/, { message: 'encounterId may hold letters, digits and . _ : - only' })
  encounterId: string;
  @IsInstant() occurredAt: string;
  @IsString() @Matches(CODE_PATTERN, { message: 'area must be a Local Policing Area code, e.g. windsor-maidenhead' }) area: string;
  @Nested(() => EncounterOfficer) officer: EncounterOfficer;
  @Nested(() => EncounterPerson) person: EncounterPerson;
  @Nested(() => EncounterOffence) offence: EncounterOffence;
  @Nested(() => EncounterIndicators) indicators: EncounterIndicators;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(64) bwvReference?: string;
  @OptionalNested(() => EncounterOffer) offer?: EncounterOffer;
}
