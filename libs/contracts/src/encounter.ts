import {
  IsBoolean, IsEmail, IsIn, IsNotEmpty, IsNumber, IsOptional, IsPositive, IsString, Matches, MaxLength,
} from 'class-validator';
import { CODE_PATTERN, DRUG_CLASSES, IsCalendarDate, IsInstant, Nested, OFFENCE_TYPES, OptionalNested } from './common';

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

export class EncounterPerson {
  @IsString() @IsNotEmpty() @MaxLength(40) personRef: string;
  @IsCalendarDate() dateOfBirth: string;
  @IsString() @IsNotEmpty() @MaxLength(100) givenName: string;
  @IsString() @IsNotEmpty() @MaxLength(100) familyName: string;
  @OptionalNested(() => EncounterContact) contact?: EncounterContact;
  @IsOptional() @IsIn(ETHNICITY_CATEGORIES) ethnicity?: string;
  @IsOptional() @IsIn(SEX_VALUES) sex?: string;
}

export class EncounterQuantity {
  @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive() value: number;
  @IsIn(['g', 'mg', 'ml', 'tablets', 'wraps']) unit: string;
}

export class EncounterOffence {
  @IsIn(OFFENCE_TYPES) type: string;
  @IsOptional() @IsString() @Matches(CODE_PATTERN, { message: 'substance must be a lower-case code, e.g. cannabis' }) @MaxLength(40)
  substance?: string;
  @IsOptional() @IsIn(DRUG_CLASSES) drugClass?: 'A' | 'B' | 'C';
  @OptionalNested(() => EncounterQuantity) quantity?: EncounterQuantity;
}

export class EncounterIndicators {
  @IsBoolean() suspectedSupply: boolean;
  /** For shoplifting, theft or anti-social behaviour: the officer judges it linked to substance misuse. */
  @IsOptional() @IsBoolean() linkedToSubstanceMisuse?: boolean;
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
}
