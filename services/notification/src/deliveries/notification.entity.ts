import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The delivery log: one row per notice, whatever the channel. No personal data here. */
@Entity('notification')
export class NotificationEntity {
  @PrimaryColumn('text') id: string;
  @Column({ name: 'referral_id', type: 'uuid' }) referralId: string;
  @Column() template: string;
  @Column() channel: string;
  @Column({ name: 'recipient_role' }) recipientRole: string;
  @Column() status: string;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
