import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { NotificationContext } from '../templates/message-variables';

export const NOTIFICATION_STATUSES = ['scheduled', 'queued', 'held-quiet-hours', 'sent', 'failed', 'cancelled'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
/** Statuses with a job still to run. */
export const PENDING_STATUSES: readonly NotificationStatus[] = ['scheduled', 'queued', 'held-quiet-hours'];
export const FINAL_STATUSES: readonly NotificationStatus[] = ['sent', 'failed', 'cancelled'];

/**
 * The delivery log: one row per notice to one recipient (a reminder is a row from the
 * moment it is scheduled). The id is deterministic (`<kind>:<subject>:<role>`) and is
 * also the BullMQ job id, so an event delivered twice adds nothing. No personal data:
 * the destination is stored masked, the context holds references and times only.
 */
@Entity('notification')
export class NotificationEntity {
  @PrimaryColumn('text') id: string;
  @Column({ name: 'referral_id', type: 'text' }) referralId: string;
  @Column('text') template: string;
  @Column('text') channel: string;
  @Column({ name: 'recipient_role', type: 'text' }) recipientRole: string;
  /** Collar number, provider id or area the recipient is looked up by (null: from the referral). */
  @Column({ name: 'recipient_key', type: 'text', nullable: true }) recipientKey: string | null;
  @Column('text') category: string;
  @Column({ name: 'appointment_id', type: 'text', nullable: true }) appointmentId: string | null;
  @Column({ name: 'reminder_offset', type: 'text', nullable: true }) reminderOffset: string | null;
  @Column('text') status: NotificationStatus;
  @Column({ name: 'due_at', type: 'timestamptz' }) dueAt: Date;
  @Column({ name: 'held_until', type: 'timestamptz', nullable: true }) heldUntil: Date | null;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @Column({ name: 'masked_destination', type: 'text', nullable: true }) maskedDestination: string | null;
  @Column({ name: 'sent_via', type: 'text', nullable: true }) sentVia: string | null;
  @Column({ name: 'provider_message_id', type: 'text', nullable: true }) providerMessageId: string | null;
  @Column({ type: 'jsonb' }) context: NotificationContext;
  @Column({ name: 'source_event_id', type: 'text' }) sourceEventId: string;
  @Column({ name: 'source_event_type', type: 'text' }) sourceEventType: string;
  @Column({ name: 'correlation_id', type: 'text' }) correlationId: string;
  /** Set when the BullMQ job must be added or removed to match this row (see JobDispatcher). */
  @Column({ name: 'needs_sync', type: 'boolean', default: true }) needsSync: boolean;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true }) sentAt: Date | null;
  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true }) failedAt: Date | null;
  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true }) cancelledAt: Date | null;
  @Column({ name: 'cancel_reason', type: 'text', nullable: true }) cancelReason: string | null;
}

/** Each delivery attempt, kept (history is never overwritten). */
@Entity('notification_attempt')
export class NotificationAttemptEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'notification_id', type: 'text' }) notificationId: string;
  @Column({ type: 'int' }) attempt: number;
  @Column('text') channel: string;
  @Column({ type: 'text', nullable: true }) via: string | null;
  @Column('text') outcome: 'sent' | 'failed' | 'gave-up';
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ name: 'duration_ms', type: 'int' }) durationMs: number;
  @Column({ name: 'attempted_at', type: 'timestamptz' }) attemptedAt: Date;
}
