import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { JsonObject } from '../shared/db';
import type { ReferralStatus } from '@ddp/domain';

/**
 * The outcome service's view of one referral: what ReferralCreated said (everything the
 * courts unit and the figures need) and the compliance state, moved only by libs/domain's
 * lifecycle `transition`.
 */
@Entity('referral_case')
export class ReferralCaseEntity {
  @PrimaryColumn('text', { name: 'referral_id' }) referralId: string;
  @Column('text', { name: 'short_ref', nullable: true }) shortRef: string | null;
  @Column('text', { name: 'encounter_id' }) encounterId: string;
  @Column('text', { name: 'person_ref' }) personRef: string;
  @Column('text', { name: 'scheme_id' }) schemeId: string;
  @Column('text') area: string;
  @Column('text', { name: 'age_band' }) ageBand: string;
  @Column('text') sex: string;
  @Column('text') ethnicity: string;
  /** YYYY-MM of the encounter's UK date: the cohort the figures count it in. */
  @Column('text', { name: 'cohort_month' }) cohortMonth: string;
  @Column('text', { name: 'offence_type' }) offenceType: string;
  @Column('text', { nullable: true }) substance: string | null;
  @Column('text', { name: 'drug_class', nullable: true }) drugClass: string | null;
  @Column('timestamptz', { name: 'encounter_at' }) encounterAt: Date;
  @Column('timestamptz', { name: 'assessment_deadline' }) assessmentDeadline: Date;
  @Column('text', { name: 'provider_id', nullable: true }) providerId: string | null;
  @Column('text', { name: 'officer_collar_number' }) officerCollarNumber: string;
  @Column('text', { name: 'bwv_reference', nullable: true }) bwvReference: string | null;
  @Column('text') status: ReferralStatus;
  /** Whether the person is at the assessment or the course stage (decides how an excused referral resumes). */
  @Column('text') stage: 'assessment' | 'course';
  @Column('timestamptz', { name: 'first_assessed_at', nullable: true }) firstAssessedAt: Date | null;
  @Column('text', { nullable: true }) ending: string | null;
  @Column('int', { name: 'crime_outcome_code', nullable: true }) crimeOutcomeCode: number | null;
  @Column('timestamptz', { name: 'ended_at', nullable: true }) endedAt: Date | null;
  @Column('text', { name: 'correlation_id' }) correlationId: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

/** Every status change of a referral (superseded, never overwritten). */
@Entity('referral_status_history')
export class ReferralStatusHistoryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column('text', { name: 'referral_id' }) referralId: string;
  @Column('text', { name: 'from_status', nullable: true }) fromStatus: string | null;
  @Column('text', { name: 'to_status' }) toStatus: string;
  /** The libs/domain lifecycle event, or 'correction' (see README, the race rule). */
  @Column('text', { name: 'lifecycle_event' }) lifecycleEvent: string;
  @Column('text', { name: 'cause_type' }) causeType: string;
  @Column('text', { name: 'cause_id', nullable: true }) causeId: string | null;
  @Column('text', { name: 'changed_by' }) changedBy: string;
  @Column('timestamptz', { name: 'changed_at' }) changedAt: Date;
}

export type AttendanceKind = 'assessment' | 'session' | 'course';
export type AttendanceMarkValue = 'attended' | 'late' | 'did-not-attend' | 'missed-deadline' | 'completed';

/** One line of the attendance record, from the scheduling events. */
@Entity('attendance_record')
export class AttendanceRecordEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column('text', { name: 'referral_id' }) referralId: string;
  @Column('text', { name: 'source_event_id' }) sourceEventId: string;
  @Column('text', { name: 'event_type' }) eventType: string;
  @Column('text', { name: 'appointment_id', nullable: true }) appointmentId: string | null;
  @Column('text') kind: AttendanceKind;
  @Column('int', { name: 'session_number', nullable: true }) sessionNumber: number | null;
  @Column('text') mark: AttendanceMarkValue;
  @Column('text', { name: 'absence_class', nullable: true }) absenceClass: string | null;
  /** When it happened (the provider's time), which decides the race with the show-cause deadline. */
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt: Date;
  /** When this service applied it. */
  @Column('timestamptz', { name: 'received_at' }) receivedAt: Date;
  /** Attended, late, assessment completed or course completed: counts as re-engagement. */
  @Column('boolean', { name: 'is_engagement' }) isEngagement: boolean;
  @Column('boolean', { name: 'counts_as_failure' }) countsAsFailure: boolean;
  @Column('uuid', { name: 'failure_excused_by_review', nullable: true }) failureExcusedByReview: string | null;
}

/** A scheduling event that arrived before its ReferralCreated; replayed when that arrives. */
@Entity('deferred_event')
export class DeferredEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column('text', { name: 'referral_id' }) referralId: string;
  @Column('text', { name: 'event_id' }) eventId: string;
  @Column('text', { name: 'event_type' }) eventType: string;
  @Column('jsonb') envelope: JsonObject;
  @Column('timestamptz', { name: 'deferred_at' }) deferredAt: Date;
  @Column('timestamptz', { name: 'replayed_at', nullable: true }) replayedAt: Date | null;
}
