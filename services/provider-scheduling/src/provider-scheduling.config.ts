import { Transform } from 'class-transformer';
import { IsIn, IsInt, Max, Min, Validate, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { FOLLOW_UP } from '@ddp/domain';
import { ServiceConfig, loadConfig } from '@ddp/platform';

/** PROVIDER_BOOKING_OVERRIDES must be a JSON object of provider id (or "*") → booking profile fields. */
@ValidatorConstraint({ name: 'bookingOverrides' })
class BookingOverridesJson implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    try {
      const parsed = JSON.parse(value);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return false;
      return Object.values(parsed).every(
        (v) =>
          v !== null && typeof v === 'object' &&
          Object.entries(v as Record<string, unknown>).every(
            ([k, n]) => ['assessorsPerSlot', 'courseGroupSize', 'weeklyCapacity'].includes(k) && Number.isInteger(n) && (n as number) >= 0,
          ),
      );
    } catch {
      return false;
    }
  }

  defaultMessage(): string {
    return 'PROVIDER_BOOKING_OVERRIDES must be JSON like {"druglink":{"assessorsPerSlot":2,"courseGroupSize":12,"weeklyCapacity":100},"*":{...}}';
  }
}

/** Environment of the provider-scheduling service (see ServiceConfig for the shared variables). */
export class ProviderSchedulingConfig extends ServiceConfig {
  /** Hours after a session ends before an unrecorded attendance reminds the provider (AttendanceOverdue). */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(0) @Max(24 * 14) ATTENDANCE_REMINDER_HOURS = 4;

  /**
   * Hours after an assessment's recording deadline (or a session's attendance reminder) with
   * nothing recorded before the supervisors' worklist shows it (libs/domain FOLLOW_UP default).
   */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(0) @Max(24 * 30) UNRECORDED_SUPERVISOR_AFTER_HOURS: number = FOLLOW_UP.unrecordedSupervisorAfterHours.value;

  /** How many days of assessment slots are materialised ahead (at start; bookings top up lazily). */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(90) SLOT_HORIZON_DAYS = 14;

  /** Caseworkers taking telephone assessments in parallel, per slot (default for every provider). */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(100) ASSESSMENT_SLOT_CAPACITY = 1;

  /** People per course session (group size), default for every provider. */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(500) COURSE_GROUP_SIZE = 10;

  /** A slot must start at least this many minutes after the booking is made. */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(0) @Max(24 * 60) BOOKING_LEAD_MINUTES = 15;

  /** How far ahead a rebooking (RebookingRequested, reschedule without a time) looks for a free slot. */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(90) REBOOK_SEARCH_DAYS = 21;

  /** How the telephone assessment is held (seed 003: "a phone assessment"). */
  @IsIn(['in-person', 'phone', 'online', 'video']) ASSESSMENT_MODALITY: 'in-person' | 'phone' | 'online' | 'video' = 'phone';

  /** Jobs run in parallel by this replica's worker. */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(100) JOB_CONCURRENCY = 5;

  /**
   * Per-provider booking profile overrides, JSON: provider id → { assessorsPerSlot,
   * courseGroupSize, weeklyCapacity }. Druglink expects up to 100 referrals a week
   * (seed 004) but its hours give ~90 half-hour slots, so two caseworkers take assessments.
   * The key "*" applies to every provider without an entry of its own for that field (a
   * capacity exercise or a load test: e.g. {"*":{"assessorsPerSlot":100,"weeklyCapacity":100000}}).
   * weeklyCapacity replaces the rule table's referrals-a-week figure (libs/domain) for booking.
   */
  @Validate(BookingOverridesJson) PROVIDER_BOOKING_OVERRIDES = '{"druglink":{"assessorsPerSlot":2,"courseGroupSize":12}}';
}

export function loadProviderSchedulingConfig(env: Record<string, string | undefined> = process.env): ProviderSchedulingConfig {
  return loadConfig(ProviderSchedulingConfig, env, {
    PORT: 3002,
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ddp_provider_scheduling',
  });
}
