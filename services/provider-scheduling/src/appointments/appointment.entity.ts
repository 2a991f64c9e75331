import { Column, Entity, PrimaryColumn } from 'typeorm';

export type AppointmentKind = 'assessment' | 'session';

/**
 * booked → (assessment) completed | missed; (session) attended | late | did-not-attend;
 * booked → superseded (rescheduled) | cancelled (withdrawn, review closed).
 * A missed assessment or session that is rebooked keeps its status and gets superseded_by_id.
 */
export type AppointmentStatus = 'booked' | 'completed' | 'missed' | 'attended' | 'late' | 'did-not-attend' | 'superseded' | 'cancelled';
export const APPOINTMENT_STATUSES: readonly AppointmentStatus[] = ['booked', 'completed', 'missed', 'attended', 'late', 'did-not-attend', 'superseded', 'cancelled'];

/** A booked appointment (telephone assessment or course session). Superseded, never overwritten. */
@Entity('appointment')
export class AppointmentEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'referral_id', type: 'text' }) referralId: string;
  @Column({ type: 'text' }) kind: AppointmentKind;
  @Column({ name: 'provider_id', type: 'text' }) providerId: string;
  @Column({ name: 'course_id', type: 'uuid', nullable: true }) courseId: string | null;
  @Column({ name: 'session_number', type: 'int', nullable: true }) sessionNumber: number | null;
  /** The capacity it holds (provider_slot); released when it is superseded or cancelled before it happens. */
  @Column({ name: 'slot_id', type: 'uuid', nullable: true }) slotId: string | null;
  /** Monday of the week whose provider capacity this booking counts against (initial assessments only). */
  @Column({ name: 'counted_week', type: 'date', nullable: true }) countedWeek: string | null;
  @Column({ name: 'starts_at', type: 'timestamptz' }) startsAt: Date;
  @Column({ name: 'ends_at', type: 'timestamptz' }) endsAt: Date;
  @Column({ type: 'text' }) modality: string;
  @Column({ type: 'text' }) status: AppointmentStatus;
  /** Assessments: by when the outcome must be recorded (the deadline job fires then). */
  @Column({ type: 'timestamptz', nullable: true }) deadline: Date | null;
  @Column({ name: 'booked_at', type: 'timestamptz', nullable: true }) bookedAt: Date | null;
  @Column({ name: 'booked_by', type: 'text', nullable: true }) bookedBy: string | null;
  @Column({ name: 'supersedes_id', type: 'uuid', nullable: true }) supersedesId: string | null;
  @Column({ name: 'superseded_by_id', type: 'uuid', nullable: true }) supersededById: string | null;
  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true }) supersededAt: Date | null;
  /** Who recorded the move (caseworker id, or 'system:…'). */
  @Column({ name: 'superseded_by', type: 'text', nullable: true }) supersededBy: string | null;
  /** Who asked for the move: 'person', 'provider', 'outcome-service'. */
  @Column({ name: 'requested_by', type: 'text', nullable: true }) requestedBy: string | null;
  @Column({ name: 'supersede_reason', type: 'text', nullable: true }) supersedeReason: string | null;
  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true }) cancelledAt: Date | null;
  @Column({ name: 'cancelled_by', type: 'text', nullable: true }) cancelledBy: string | null;
  @Column({ name: 'cancel_reason', type: 'text', nullable: true }) cancelReason: string | null;
  @Column({ name: 'reminder_sent_at', type: 'timestamptz', nullable: true }) reminderSentAt: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
