import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

/** Rules shared by several contracts. */
export const AGE_BANDS = ['youth', 'adult'] as const;
export type AgeBandValue = (typeof AGE_BANDS)[number];


export const DRUG_CLASSES = ['A', 'B', 'C'] as const;

export const MODALITIES = ['in-person', 'phone', 'online', 'video'] as const;
export type ModalityValue = (typeof MODALITIES)[number];

export const ABSENCE_CLASSES = ['acceptable', 'logistics', 'unacceptable'] as const;
export type AbsenceClassValue = (typeof ABSENCE_CLASSES)[number];

/** Codes of areas, schemes and providers: lower-case words joined by hyphens. */
export const CODE_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/*
 * Dates and instants: each decorator pairs a pattern (the shape we take) with IsISO8601 strict,
 * which refuses what is not on the calendar or the clock (2026-02-30, 2026-13-01, T25:61).
 * Dates refuse the year 0000 too: PostgreSQL has none, and IsISO8601 refuses it in instants only.
 * Only built-in constraints, so the compiled checks (compiled-check.ts) still take these classes.
 */

/** A calendar date, YYYY-MM-DD. */
export const CALENDAR_DATE_PATTERN = /^(?!0000)\d{4}-\d{2}-\d{2}$/;

/** An ISO 8601 instant with an explicit offset (Z or ±hh:mm): never a floating local time. */
export const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A calendar date (a whole day, read in the service's time zone) or an instant with an offset. */
export const DATE_OR_INSTANT_PATTERN = /^(?!0000)\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export function IsInstant(): PropertyDecorator {
  return realDate(INSTANT_PATTERN, '$property must be an ISO 8601 date-time with an offset, e.g. 2026-03-01T21:40:00Z');
}

export function IsCalendarDate(): PropertyDecorator {
  return realDate(CALENDAR_DATE_PATTERN, '$property must be a date, YYYY-MM-DD');
}

export function IsDateOrInstant(): PropertyDecorator {
  return realDate(DATE_OR_INSTANT_PATTERN, '$property must be a date (YYYY-MM-DD) or an ISO 8601 date-time with an offset, e.g. 2026-03-01T21:40:00Z');
}

function realDate(pattern: RegExp, message: string): PropertyDecorator {
  return (target, key) => {
    IsISO8601({ strict: true })(target, key);
    Matches(pattern, { message })(target, key);
  };
}

/**
 * A query value choosing columns, groupings or statuses: a comma-separated list of `allowed`,
 * matched whole, so nothing else (not even __proto__ or toString) reaches a lookup or SQL.
 */
export function IsListOf(allowed: readonly string[]): PropertyDecorator {
  const one = allowed.map((a) => a.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|');
  return Matches(new RegExp(`^(${one})(,(${one}))*$`), { message: `$property must be a comma-separated list of ${allowed.join(', ')}` });
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

