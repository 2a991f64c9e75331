import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The person's choices, per referral. A change supersedes the row before it (kept). */
@Entity('notification_preference')
export class PreferenceEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'referral_id', type: 'text' }) referralId: string;
  @Column({ type: 'text', nullable: true }) channel: 'sms' | 'email' | null;
  @Column({ name: 'opt_out', type: 'boolean', default: false }) optOut: boolean;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt: Date;
  @Column({ name: 'recorded_by', type: 'text' }) recordedBy: string;
  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true }) supersededAt: Date | null;
}
