import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Bookable capacity at one time with one provider. Assessment slots are materialised from
 * the opening hours ahead of time; session slots are created when a course first books
 * that time. `booked <= capacity` is a CHECK constraint; bookings take capacity with a
 * conditional UPDATE (row lock), so two bookings never take the last place.
 */
@Entity('provider_slot')
export class ProviderSlotEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'provider_id', type: 'text' }) providerId: string;
  @Column({ type: 'text' }) kind: 'assessment' | 'session';
  @Column({ name: 'local_date', type: 'date' }) localDate: string;
  @Column({ name: 'starts_at', type: 'timestamptz' }) startsAt: Date;
  @Column({ name: 'ends_at', type: 'timestamptz' }) endsAt: Date;
  @Column({ type: 'int' }) capacity: number;
  @Column({ type: 'int' }) booked: number;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
