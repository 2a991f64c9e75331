import {
  ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { ABSENCE_CLASSES, AppointmentSlotData, CODE_PATTERN, IsInstant, MODALITIES, type AbsenceClassValue, type ModalityValue } from '../common';
import { TOPICS } from '../topics';
import { defineEvent } from './define';

/* Events owned by the provider-scheduling service (topic diversion.scheduling.v1). */

export class AssessmentScheduledData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() appointmentId: string;
  @Matches(CODE_PATTERN) providerId: string;
  @IsInstant() startsAt: string;
  @IsInstant() endsAt: string;
  @IsIn(MODALITIES) modality: ModalityValue;
  @IsInstant() deadline: string;
  /** The scheme the referral runs under (helps consumers that have not seen ReferralCreated yet). */
  @IsOptional() @Matches(CODE_PATTERN) schemeId?: string;
}

export const AssessmentScheduled = defineEvent({
  type: 'AssessmentScheduled',
  version: 1,
  topic: TOPICS.scheduling,
  data: AssessmentScheduledData,
  description: 'The telephone assessment is booked with a provider before the scheme deadline.',
});

export class AssessmentEscalatedData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsOptional() @Matches(CODE_PATTERN) providerId?: string;
  @IsInstant() deadline: string;
  @Matches(CODE_PATTERN) reason: string;
  /** Human-readable explanation of the reason code (no personal data). */
  @IsOptional() @IsString() @MaxLength(500) detail?: string;
}

export const AssessmentEscalated = defineEvent({
  type: 'AssessmentEscalated',
  version: 1,
  topic: TOPICS.scheduling,
  data: AssessmentEscalatedData,
  description: 'No slot meets the assessment deadline (or no provider serves the referral): people must act.',
});

export class AssessmentCompletedData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() appointmentId: string;
  @IsInstant() completedAt: string;
  @IsString() @IsNotEmpty() recordedBy: string;
  @IsOptional() @Matches(CODE_PATTERN) providerId?: string;
}

export const AssessmentCompleted = defineEvent({
  type: 'AssessmentCompleted',
  version: 1,
  topic: TOPICS.scheduling,
  data: AssessmentCompletedData,
  description: 'The provider assessed the person (a support plan exists; its text stays with the provider).',
});

export class AssessmentMissedData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() appointmentId: string;
  @IsInstant() deadline: string;
  /** 'provider' when recorded as missed. 'deadline': older services only (a deadline passing unrecorded now asks the provider: AttendanceOverdue). */
  @IsIn(['deadline', 'provider']) detectedBy: string;
  @IsOptional() @IsIn(ABSENCE_CLASSES) absenceClass?: AbsenceClassValue;
  @IsOptional() @Matches(CODE_PATTERN) providerId?: string;
  /** The caseworker who recorded it (detectedBy 'provider'). */
  @IsOptional() @IsString() @IsNotEmpty() recordedBy?: string;
}

export const AssessmentMissed = defineEvent({
  type: 'AssessmentMissed',
  version: 1,
  topic: TOPICS.scheduling,
  data: AssessmentMissedData,
  description: 'The assessment did not happen by its deadline.',
});

export class CourseBookedData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() courseId: string;
  @Matches(CODE_PATTERN) providerId: string;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => AppointmentSlotData) sessions: AppointmentSlotData[];
  @IsOptional() @IsString() @IsNotEmpty() bookedBy?: string;
}

export const CourseBooked = defineEvent({
  type: 'CourseBooked',
  version: 1,
  topic: TOPICS.scheduling,
  data: CourseBookedData,
  description: "The course is booked from the scheme's template.",
});

export class SessionAttendedData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() appointmentId: string;
  @IsInt() @Min(1) sessionNumber: number;
  @IsIn(['attended', 'late']) mark: string;
  @IsInstant() recordedAt: string;
  @IsOptional() @IsString() @IsNotEmpty() courseId?: string;
  @IsOptional() @Matches(CODE_PATTERN) providerId?: string;
  @IsOptional() @IsString() @IsNotEmpty() recordedBy?: string;
}

export const SessionAttended = defineEvent({
  type: 'SessionAttended',
  version: 1,
  topic: TOPICS.scheduling,
  data: SessionAttendedData,
  description: 'The person attended a course session (on time or late).',
});

export class CourseMissedData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() appointmentId: string;
  @IsInt() @Min(1) sessionNumber: number;
  @IsIn(ABSENCE_CLASSES) absenceClass: AbsenceClassValue;
  @IsInstant() recordedAt: string;
  @IsOptional() @IsString() @IsNotEmpty() courseId?: string;
  @IsOptional() @Matches(CODE_PATTERN) providerId?: string;
  @IsOptional() @IsString() @IsNotEmpty() recordedBy?: string;
  /** Whether the absence counts as a failure under the scheme (libs/domain assessAttendance). */
  @IsOptional() @IsBoolean() countsAsFailure?: boolean;
  /** What the scheme's rules lead to: 'rebook' or 'open-review' (libs/domain assessAttendance). */
  @IsOptional() @IsIn(['rebook', 'open-review']) followUp?: string;
}

export const CourseMissed = defineEvent({
  type: 'CourseMissed',
  version: 1,
  topic: TOPICS.scheduling,
  data: CourseMissedData,
  description: 'The person did not attend a course session; the absence class decides what follows.',
});

/** Kinds of local service a person can be signposted to when their course ends. */
export const SIGNPOSTING_KINDS = [
  'drug-treatment', 'alcohol-treatment', 'mental-health', 'housing', 'employment-education', 'peer-support', 'family-support', 'other',
] as const;

export class CourseCompletedData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() courseId: string;
  @IsInstant() completedAt: string;
  @IsInt() @Min(0) sessionsAttended: number;
  @IsOptional() @Matches(CODE_PATTERN) providerId?: string;
  /**
   * The kinds of local service the provider signposted the person to at completion (seed 004:
   * "On completing the course they are signposted to other local services for ongoing
   * support"); empty when none. Kinds only, never a named service. Added later: older events lack it.
   */
  @IsOptional() @IsArray() @IsIn(SIGNPOSTING_KINDS, { each: true }) signposting?: string[];
}

export const CourseCompleted = defineEvent({
  type: 'CourseCompleted',
  version: 1,
  topic: TOPICS.scheduling,
  data: CourseCompletedData,
  description: 'Every course session was attended.',
});

export class AppointmentRescheduledData {
  @IsString() @IsNotEmpty() referralId: string;
  /** The appointment now superseded (kept, never overwritten). */
  @IsString() @IsNotEmpty() supersededAppointmentId: string;
  @IsIn(['assessment', 'session']) kind: string;
  @IsString() @IsNotEmpty() appointmentId: string;
  @IsInstant() startsAt: string;
  @IsInstant() endsAt: string;
  @IsIn(MODALITIES) modality: ModalityValue;
  @IsString() @IsNotEmpty() requestedBy: string;
  @IsString() @IsNotEmpty() @MaxLength(500) reason: string;
  @IsBoolean() cancelledOnly: boolean;
  @IsOptional() @Matches(CODE_PATTERN) providerId?: string;
  @IsOptional() @IsString() @IsNotEmpty() courseId?: string;
  @IsOptional() @IsInt() @Min(1) sessionNumber?: number;
  /** The caseworker (or 'system') who recorded the move; requestedBy says who asked for it. */
  @IsOptional() @IsString() @IsNotEmpty() recordedBy?: string;
  /** For an assessment: by when its outcome must be recorded. */
  @IsOptional() @IsInstant() deadline?: string;
}

export const AppointmentRescheduled = defineEvent({
  type: 'AppointmentRescheduled',
  version: 1,
  topic: TOPICS.scheduling,
  data: AppointmentRescheduledData,
  description: 'An appointment moved; the old one is kept as superseded.',
});

export class AttendanceOverdueData {
  @IsString() @IsNotEmpty() referralId: string;
  @IsString() @IsNotEmpty() appointmentId: string;
  @Matches(CODE_PATTERN) providerId: string;
  @IsIn(['assessment', 'session']) kind: string;
  @IsOptional() @IsString() @IsNotEmpty() courseId?: string;
  @IsOptional() @IsInt() @Min(1) sessionNumber?: number;
  @IsInstant() startsAt: string;
  @IsInstant() endsAt: string;
  /** When the reminder fell due (a session: its end plus the configured hours; an assessment: its recording deadline). */
  @IsInstant() overdueSince: string;
}

export const AttendanceOverdue = defineEvent({
  type: 'AttendanceOverdue',
  version: 1,
  topic: TOPICS.scheduling,
  data: AttendanceOverdueData,
  description: 'Nothing recorded in time (a session ended some hours ago, or an assessment passed its recording deadline): remind the provider. Never a miss.',
});
