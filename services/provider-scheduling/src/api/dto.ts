import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { ABSENCE_CLASSES, IsDateOrInstant, IsInstant, IsListOf, MODALITIES, SIGNPOSTING_KINDS, type AbsenceClassValue, type ModalityValue } from '@ddp/contracts';
import { APPOINTMENT_STATUSES } from '../appointments/appointment.entity';
import { REFERRAL_STATUSES } from '@ddp/domain';


export class ListReferralsQuery {
  @ApiPropertyOptional({ description: `Comma-separated statuses: ${REFERRAL_STATUSES.join(', ')}`, example: 'assessment-scheduled,on-course' })
  @IsOptional() @IsListOf(REFERRAL_STATUSES)
  status?: string;

  @ApiPropertyOptional({ description: 'Encounters on or after (a UK date or an instant)', example: '2030-01-07' })
  @IsOptional() @IsDateOrInstant() from?: string;

  @ApiPropertyOptional({ description: 'Encounters on or before (a UK date: the whole day, or an instant)', example: '2030-01-13' })
  @IsOptional() @IsDateOrInstant() to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class ListAppointmentsQuery {
  @ApiPropertyOptional({ description: `Comma-separated statuses: ${APPOINTMENT_STATUSES.join(', ')}`, example: 'booked' })
  @IsOptional() @IsListOf(APPOINTMENT_STATUSES)
  status?: string;

  @ApiPropertyOptional({ enum: ['assessment', 'session'] })
  @IsOptional() @IsIn(['assessment', 'session']) kind?: string;

  @ApiPropertyOptional({ description: 'Appointments starting on or after (a UK date or an instant)', example: '2030-01-07' })
  @IsOptional() @IsDateOrInstant() from?: string;

  @ApiPropertyOptional({ description: 'Appointments starting on or before (a UK date: the whole day, or an instant)', example: '2030-01-13' })
  @IsOptional() @IsDateOrInstant() to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class SlotsQuery {
  @ApiPropertyOptional({ description: 'From (a UK date or an instant; default now)' })
  @IsOptional() @IsDateOrInstant() from?: string;

  @ApiPropertyOptional({ description: 'To (a UK date: the whole day, or an instant; default 7 days on)' })
  @IsOptional() @IsDateOrInstant() to?: string;
}

export class BookAssessmentBody {
  @ApiPropertyOptional({ description: 'Start of one of the provider\'s assessment slots; omitted: the earliest free one', example: '2030-01-08T18:00:00Z' })
  @IsOptional() @IsInstant() startsAt?: string;

  @ApiPropertyOptional({ enum: MODALITIES, default: 'phone' })
  @IsOptional() @IsIn(MODALITIES) modality?: ModalityValue;
}

export class AssessmentOutcomeBody {
  @ApiProperty({ enum: ['completed', 'missed'] })
  @IsIn(['completed', 'missed']) outcome: 'completed' | 'missed';

  @ApiPropertyOptional({ description: 'Required when completed. Stays in this service: never in an event or a log.', maxLength: 4000 })
  @ValidateIf((o: AssessmentOutcomeBody) => o.outcome === 'completed' || o.supportPlanSummary !== undefined)
  @IsString() @IsNotEmpty({ message: 'supportPlanSummary is required when the assessment is completed' }) @MaxLength(4000)
  supportPlanSummary?: string;

  // Required when missed: only a recorded did-not-attend without good reason ('unacceptable') counts against the person.
  @ApiPropertyOptional({ enum: ABSENCE_CLASSES, description: 'Required when missed: acceptable (illness, crisis), logistics (provider or practical problem), unacceptable' })
  @ValidateIf((o: AssessmentOutcomeBody) => o.outcome === 'missed' || o.absenceClass !== undefined)
  @IsIn(ABSENCE_CLASSES, { message: 'absenceClass must be one of acceptable, logistics, unacceptable (required when missed)' })
  absenceClass?: AbsenceClassValue;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional() @IsString() @MaxLength(2000) notes?: string;
}

export class BookCourseBody {
  @ApiProperty({ description: 'First session; the others follow the scheme template (every intervalDays, same UK wall time)', example: '2030-01-14T10:00:00Z' })
  @IsInstant() startsAt: string;

  @ApiProperty({ enum: MODALITIES })
  @IsIn(MODALITIES) modality: ModalityValue;
}

export class AttendanceBody {
  @ApiProperty({ enum: ['attended', 'late', 'did-not-attend'] })
  @IsIn(['attended', 'late', 'did-not-attend']) mark: 'attended' | 'late' | 'did-not-attend';

  @ApiPropertyOptional({ enum: ABSENCE_CLASSES, description: 'Required for did-not-attend: acceptable (illness, crisis), logistics (provider or practical problem), unacceptable' })
  @ValidateIf((o: AttendanceBody) => o.mark === 'did-not-attend' || o.absenceClass !== undefined)
  @IsIn(ABSENCE_CLASSES, { message: 'absenceClass must be one of acceptable, logistics, unacceptable (required when did-not-attend)' })
  absenceClass?: AbsenceClassValue;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional() @IsString() @MaxLength(2000) notes?: string;

  @ApiPropertyOptional({
    enum: SIGNPOSTING_KINDS, isArray: true,
    description: 'With the attendance that completes the course: the kinds of local service the person was signposted to for ongoing support (seed 004); [] for none.',
  })
  @IsOptional() @IsArray() @ArrayMaxSize(SIGNPOSTING_KINDS.length) @IsIn(SIGNPOSTING_KINDS, { each: true, message: `each signposting must be one of ${SIGNPOSTING_KINDS.join(', ')}` })
  signposting?: string[];
}

export class RescheduleBody {
  @ApiPropertyOptional({ description: 'New start; omitted: the next free time', example: '2030-01-21T18:00:00Z' })
  @IsOptional() @IsInstant() startsAt?: string;

  @ApiPropertyOptional({ enum: MODALITIES, description: 'Default: the old appointment\'s' })
  @IsOptional() @IsIn(MODALITIES) modality?: ModalityValue;

  @ApiProperty({ enum: ['person', 'provider'], description: 'Who asked for the move' })
  @IsIn(['person', 'provider']) requestedBy: 'person' | 'provider';

  @ApiProperty({ maxLength: 500, example: 'Starts a new job on Mondays' })
  @IsString() @IsNotEmpty() @MaxLength(500) reason: string;
}

export class DeferCourseBody {
  @ApiProperty({ description: 'When the next session not yet held now starts; the rest follow every intervalDays', example: '2030-02-04T10:00:00Z' })
  @IsInstant() startsAt: string;

  @ApiProperty({ enum: ['person', 'provider'] })
  @IsIn(['person', 'provider']) requestedBy: 'person' | 'provider';

  @ApiProperty({ maxLength: 500 })
  @IsString() @IsNotEmpty() @MaxLength(500) reason: string;
}
