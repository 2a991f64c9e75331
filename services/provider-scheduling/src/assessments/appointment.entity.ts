import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A booked appointment (assessment or course session). Superseded, never overwritten. */
@Entity('appointment')
export class AppointmentEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'referral_id', type: 'uuid' }) referralId: string;
  @Column() kind: string;
  @Column({ name: 'provider_id' }) providerId: string;
  @Column({ name: 'starts_at', type: 'timestamptz' }) startsAt: Date;
  @Column({ name: 'ends_at', type: 'timestamptz' }) endsAt: Date;
  @Column() modality: string;
  @Column() status: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
