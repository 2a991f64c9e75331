import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What this service must remember of a referral: once withdrawn or ended, the person gets no more notices; a young person's reach their guardian too. */
@Entity('referral_state')
export class ReferralStateEntity {
  @PrimaryColumn({ name: 'referral_id', type: 'text' }) referralId: string;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt: Date | null;
  @Column({ name: 'closed_by_event', type: 'text', nullable: true }) closedByEvent: string | null;
  /** A young person's referral: their notices are copied to the parent or guardian. */
  @Column({ type: 'boolean' }) youth: boolean;
}
