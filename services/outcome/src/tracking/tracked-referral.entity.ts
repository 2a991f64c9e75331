import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The outcome service's view of one referral, built from the events it consumes. */
@Entity('tracked_referral')
export class TrackedReferralEntity {
  @PrimaryColumn('uuid', { name: 'referral_id' }) referralId: string;
  @Column({ name: 'scheme_id' }) schemeId: string;
  @Column() area: string;
  @Column() status: string;
  @Column({ name: 'last_event_type' }) lastEventType: string;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
