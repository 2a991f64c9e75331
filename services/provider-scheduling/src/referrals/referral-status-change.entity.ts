import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One move of a referral's lifecycle status (history is appended, never overwritten). */
@Entity('referral_status_change')
export class ReferralStatusChangeEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'referral_id', type: 'text' }) referralId: string;
  @Column({ name: 'from_status', type: 'text', nullable: true }) fromStatus: string | null;
  @Column({ name: 'to_status', type: 'text' }) toStatus: string;
  /** The lifecycle event (libs/domain LifecycleEvent type), or 'received' for the first row. */
  @Column({ name: 'lifecycle_event', type: 'text' }) lifecycleEvent: string;
  @Column({ type: 'timestamptz' }) at: Date;
  @Column({ type: 'text' }) by: string;
  @Column({ type: 'text', nullable: true }) detail: string | null;
}
