import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The outcome of one assessment appointment, recorded once (the primary key makes a second
 * recording, by a caseworker or by the deadline job, impossible). The support-plan summary
 * stays here: it is never put in an event or a log line.
 */
@Entity('assessment_record')
export class AssessmentRecordEntity {
  @PrimaryColumn({ name: 'appointment_id', type: 'uuid' }) appointmentId: string;
  @Column({ name: 'referral_id', type: 'text' }) referralId: string;
  @Column({ type: 'text' }) outcome: 'completed' | 'missed';
  @Column({ name: 'support_plan_summary', type: 'text', nullable: true }) supportPlanSummary: string | null;
  @Column({ name: 'absence_class', type: 'text', nullable: true }) absenceClass: string | null;
  @Column({ type: 'text', nullable: true }) notes: string | null;
  @Column({ name: 'detected_by', type: 'text' }) detectedBy: 'provider' | 'deadline';
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt: Date;
  @Column({ name: 'recorded_by', type: 'text' }) recordedBy: string;
}
