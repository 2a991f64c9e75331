import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

/** Rules shared by several contracts. */
export const AGE_BANDS = ['youth', 'adult'] as const;
export type AgeBandValue = (typeof AGE_BANDS)[number];

export const OFFENCE_TYPES = ['possession', 'shoplifting', 'theft', 'anti-social-behaviour'] as const;
export type OffenceTypeValue = (typeof OFFENCE_TYPES)[number];

export const DRUG_CLASSES = ['A', 'B', 'C'] as const;

export const MODALITIES = ['in-person', 'phone', 'online', 'video'] as const;
export type ModalityValue = (typeof MODALITIES)[number];

export const ABSENCE_CLASSES = ['acceptable', 'logistics', 'unacceptable'] as const;
export type AbsenceClassValue = (typeof ABSENCE_CLASSES)[number];

/** Codes of areas, schemes and providers: lower-case words joined by hyphens. */
export const CODE_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** An ISO 8601 instant with an explicit offset (Z or ±hh:mm): never a floating local time. */
export const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function IsInstant(): PropertyDecorator {
  return (target, key) => {
    IsISO8601({ strict: true })(target, key);
    Matches(INSTANT_PATTERN, { message: '$property must be an ISO 8601 date-time with an offset, e.g. 2026-03-01T21:40:00Z' })(target, key);
  };
}

/** A required nested object, validated by its own class. */
export function Nested(cls: () => new () => object): PropertyDecorator {
  return (target, key) => {
    IsDefined()(target, key);
    IsObject()(target, key);
    ValidateNested()(target, key);
    Type(cls)(target, key);
  };
}

/** An optional nested object, validated by its own class when present. */
export function OptionalNested(cls: () => new () => object): PropertyDecorator {
  return (target, key) => {
    IsOptional()(target, key);
    IsObject()(target, key);
    ValidateNested()(target, key);
    Type(cls)(target, key);
  };
}

export class AppointmentSlotData {
  @IsString() @IsNotEmpty() @MaxLength(100) appointmentId: string;
  @IsInstant() startsAt: string;
  @IsInstant() endsAt: string;
  @IsIn(MODALITIES) modality: ModalityValue;
}

export class Actor {
  @IsIn(['officer', 'provider', 'courts-unit', 'supervisor', 'system']) role: string;
  @IsString() @IsNotEmpty() @MaxLength(100) id: string;
}

