import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One event seen about a referral: its own decisions and the other services' events. */
@Entity('referral_timeline')
export class TimelineEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'referral_id', type: 'uuid' }) referralId: string;
  @Column({ name: 'event_id', type: 'text' }) eventId: string;
  @Column({ name: 'event_type', type: 'text' }) eventType: string;
  /** When the event happened (the envelope's occurredAt): the timeline's order. */
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt: Date;
  @Column({ type: 'text' }) summary: string;
  /** The referral status this event implies, if it implies one. */
  @Column({ type: 'text', nullable: true }) status: string | null;
  @Column({ name: 'source_topic', type: 'text' }) sourceTopic: string;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt: Date;
}
