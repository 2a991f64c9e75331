import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { DiversionOutcome } from '@ddp/domain';

/**
 * The read model of a person's diversions: one current row per referral (its latest
 * known outcome); earlier rows are kept, superseded, never overwritten.
 */
@Entity('diversion_history')
export class DiversionHistoryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'referral_id', type: 'text' }) referralId: string;
  @Column({ name: 'person_ref', type: 'text' }) personRef: string;
  @Column({ name: 'scheme_id', type: 'text' }) schemeId: string;
  @Column({ type: 'text' }) outcome: DiversionOutcome;
  @Column({ name: 'decided_at', type: 'timestamptz' }) decidedAt: Date;
  @Column({ name: 'source_event_type', type: 'text' }) sourceEventType: string;
  @Column({ name: 'source_event_id', type: 'text', nullable: true }) sourceEventId: string | null;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt: Date;
  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true }) supersededAt: Date | null;
}
