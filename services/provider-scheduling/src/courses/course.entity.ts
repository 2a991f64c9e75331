import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A course booked from the scheme's template; its sessions are appointments (kind 'session'). */
@Entity('course')
export class CourseEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'referral_id', type: 'text' }) referralId: string;
  @Column({ name: 'provider_id', type: 'text' }) providerId: string;
  @Column({ name: 'scheme_id', type: 'text' }) schemeId: string;
  @Column({ type: 'text' }) modality: string;
  @Column({ type: 'int' }) sessions: number;
  @Column({ name: 'interval_days', type: 'int' }) intervalDays: number;
  @Column({ name: 'session_minutes', type: 'int' }) sessionMinutes: number;
  @Column({ name: 'first_session_at', type: 'timestamptz' }) firstSessionAt: Date;
  @Column({ type: 'text' }) status: 'booked' | 'completed' | 'cancelled';
  @Column({ name: 'booked_at', type: 'timestamptz' }) bookedAt: Date;
  @Column({ name: 'booked_by', type: 'text' }) bookedBy: string;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt: Date | null;
  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true }) cancelledAt: Date | null;
  @Column({ name: 'cancel_reason', type: 'text', nullable: true }) cancelReason: string | null;
  @Column({ name: 'defer_count', type: 'int' }) deferCount: number;
  @Column({ name: 'last_deferred_at', type: 'timestamptz', nullable: true }) lastDeferredAt: Date | null;
  @Column({ name: 'last_deferred_by', type: 'text', nullable: true }) lastDeferredBy: string | null;
  /** Kinds of local service the person was signposted to at completion (SIGNPOSTING_KINDS). */
  @Column({ type: 'jsonb', nullable: true }) signposting: string[] | null;
}
