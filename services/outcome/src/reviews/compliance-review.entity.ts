import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ReviewResolutionValue = 'excused' | 'summons-requested' | 'no-further-diversion' | 'withdrawn';

/** A non-compliance review and its show-cause window. */
@Entity('compliance_review')
export class ComplianceReviewEntity {
  @PrimaryColumn('uuid', { name: 'review_id' }) reviewId: string;
  @Column('text', { name: 'referral_id' }) referralId: string;
  /** The event that opened it: AssessmentMissed or CourseMissed. */
  @Column('text') trigger: string;
  @Column('text', { name: 'trigger_event_id' }) triggerEventId: string;
  @Column('text', { name: 'appointment_id', nullable: true }) appointmentId: string | null;
  @Column('text') kind: 'assessment' | 'session';
  @Column('text', { name: 'absence_class', nullable: true }) absenceClass: string | null;
  /** When the missed appointment was recorded as missed: re-engagement must happen after it. */
  @Column('timestamptz', { name: 'trigger_at' }) triggerAt: Date;
  @Column('timestamptz', { name: 'opened_at' }) openedAt: Date;
  @Column('timestamptz', { name: 'show_cause_deadline' }) showCauseDeadline: Date;
  /** show_cause_deadline + SHOW_CAUSE_GRACE_MS: when the window job decides. */
  @Column('timestamptz', { name: 'decide_at' }) decideAt: Date;
  @Column('text') status: 'open' | 'closed';
  @Column('text', { nullable: true }) resolution: ReviewResolutionValue | null;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt: Date | null;
  @Column('text', { name: 'closed_by', nullable: true }) closedBy: string | null;
  @Column('text', { name: 'close_reason', nullable: true }) closeReason: string | null;
  @Column('text', { name: 'reengagement_event_id', nullable: true }) reengagementEventId: string | null;
  @Column('timestamptz', { name: 'reengagement_at', nullable: true }) reengagementAt: Date | null;
  /** A correction: the resolution this review had before a late-arriving re-engagement excused it. */
  @Column('text', { name: 'superseded_resolution', nullable: true }) supersededResolution: string | null;
  @Column('timestamptz', { name: 'corrected_at', nullable: true }) correctedAt: Date | null;
  @Column('text', { name: 'correlation_id' }) correlationId: string;
  /** When the show-cause notice was confirmed to have reached the person (a delivery receipt, or the provider's call): the window counts from then. */
  @Column('timestamptz', { name: 'notice_confirmed_at', nullable: true }) noticeConfirmedAt: Date | null;
  @Column('text', { name: 'notice_confirmed_via', nullable: true }) noticeConfirmedVia: string | null;
  @Column('text', { name: 'notice_confirmed_by', nullable: true }) noticeConfirmedBy: string | null;
}
