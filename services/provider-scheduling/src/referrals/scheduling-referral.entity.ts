import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ReferralStatus } from '@ddp/domain';

/**
 * This service's copy of a referral: what routing and booking need (no names or contact
 * details: those stay in the referral service) and the lifecycle status as this service
 * sees it, moved only through libs/domain `transition` (every move kept in referral_status_change).
 */
@Entity('scheduling_referral')
export class SchedulingReferralEntity {
  @PrimaryColumn({ name: 'referral_id', type: 'text' }) referralId: string;
  @Column({ name: 'short_ref', type: 'text' }) shortRef: string;
  @Column({ name: 'person_ref', type: 'text' }) personRef: string;
  @Column({ name: 'scheme_id', type: 'text' }) schemeId: string;
  @Column({ type: 'text' }) area: string;
  @Column({ name: 'age_band', type: 'text' }) ageBand: 'youth' | 'adult';
  @Column({ name: 'offence_type', type: 'text' }) offenceType: string;
  @Column({ name: 'encounter_at', type: 'timestamptz' }) encounterAt: Date;
  @Column({ name: 'assessment_deadline', type: 'timestamptz' }) assessmentDeadline: Date;
  /** The provider that holds the referral (or was routed to it when escalated); null when none serves it. */
  @Column({ name: 'provider_id', type: 'text', nullable: true }) providerId: string | null;
  @Column({ type: 'text' }) status: ReferralStatus;
  /** The referring officer: an escalated referral shows on the officer's worklist. */
  @Column({ name: 'officer_collar_number', type: 'text', nullable: true }) officerCollarNumber: string | null;
  @Column({ name: 'escalation_reason', type: 'text', nullable: true }) escalationReason: string | null;
  @Column({ name: 'escalated_at', type: 'timestamptz', nullable: true }) escalatedAt: Date | null;
  /** Correlation id of the ReferralCreated: every event of this referral carries it. */
  @Column({ name: 'correlation_id', type: 'text' }) correlationId: string;
  @Column({ name: 'received_at', type: 'timestamptz' }) receivedAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true }) withdrawnAt: Date | null;
  @Column({ name: 'withdrawn_by', type: 'text', nullable: true }) withdrawnBy: string | null;
  @Column({ name: 'withdrawal_reason', type: 'text', nullable: true }) withdrawalReason: string | null;
}
