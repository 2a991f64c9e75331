import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { JsonObject } from '../shared/db';

export type SummonsStatus = 'pending' | 'acknowledged' | 'court-result-recorded' | 'withdrawn';

/** A request to the courts unit to consider a summons, with its evidence package. */
@Entity('summons_request')
export class SummonsRequestEntity {
  @PrimaryColumn('uuid', { name: 'summons_request_id' }) summonsRequestId: string;
  @Column('text', { name: 'referral_id' }) referralId: string;
  @Column('uuid', { name: 'review_id' }) reviewId: string;
  @Column('text') status: SummonsStatus;
  @Column('text', { name: 'person_ref' }) personRef: string;
  @Column('text', { name: 'short_ref', nullable: true }) shortRef: string | null;
  @Column('text', { name: 'scheme_id' }) schemeId: string;
  @Column('text') area: string;
  @Column('text', { name: 'age_band' }) ageBand: string;
  @Column('text', { name: 'offence_type' }) offenceType: string;
  @Column('text', { nullable: true }) substance: string | null;
  @Column('text', { name: 'drug_class', nullable: true }) drugClass: string | null;
  @Column('text', { name: 'bwv_reference', nullable: true }) bwvReference: string | null;
  @Column('text', { name: 'officer_collar_number' }) officerCollarNumber: string;
  @Column('timestamptz', { name: 'encounter_at' }) encounterAt: Date;
  @Column('timestamptz', { name: 'review_opened_at' }) reviewOpenedAt: Date;
  @Column('timestamptz', { name: 'show_cause_deadline' }) showCauseDeadline: Date;
  @Column('text') reason: string;
  @Column('jsonb') attendance: Array<JsonObject>;
  @Column('timestamptz', { name: 'requested_at' }) requestedAt: Date;
  @Column('timestamptz', { name: 'acknowledged_at', nullable: true }) acknowledgedAt: Date | null;
  @Column('text', { name: 'acknowledged_by', nullable: true }) acknowledgedBy: string | null;
  @Column('text', { name: 'court_result', nullable: true }) courtResult: string | null;
  @Column('text', { name: 'court_result_notes', nullable: true }) courtResultNotes: string | null;
  @Column('date', { name: 'hearing_date', nullable: true }) hearingDate: string | null;
  @Column('timestamptz', { name: 'court_result_recorded_at', nullable: true }) courtResultRecordedAt: Date | null;
  @Column('text', { name: 'court_result_recorded_by', nullable: true }) courtResultRecordedBy: string | null;
  @Column('timestamptz', { name: 'withdrawn_at', nullable: true }) withdrawnAt: Date | null;
  @Column('text', { name: 'withdrawn_by', nullable: true }) withdrawnBy: string | null;
  @Column('text', { name: 'withdrawal_reason', nullable: true }) withdrawalReason: string | null;
  @Column('boolean', { name: 'withdrawn_automatically' }) withdrawnAutomatically: boolean;
  /** An attendance inside the window that arrived after the request was acknowledged (shown to the courts unit). */
  @Column('timestamptz', { name: 'late_reengagement_at', nullable: true }) lateReengagementAt: Date | null;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

/** Who did what to a summons request, and when (never overwritten). */
@Entity('summons_request_history')
export class SummonsRequestHistoryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column('uuid', { name: 'summons_request_id' }) summonsRequestId: string;
  @Column('text') action: string;
  @Column('text') status: SummonsStatus;
  @Column('text', { name: 'acted_by' }) actedBy: string;
  @Column('timestamptz', { name: 'acted_at' }) actedAt: Date;
  @Column('jsonb') detail: JsonObject;
}
