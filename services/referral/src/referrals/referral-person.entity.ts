import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Personal details of a referred person, kept apart from the decision so they can be
 * erased (delete the row) or retained on their own schedule without touching the
 * decision, the timeline or the figures. Never in events, never in logs.
 */
@Entity('referral_person')
export class ReferralPersonEntity {
  @PrimaryColumn({ name: 'referral_id', type: 'uuid' }) referralId: string;
  @Column({ name: 'person_ref', type: 'text' }) personRef: string;
  @Column({ name: 'given_name', type: 'text' }) givenName: string;
  @Column({ name: 'family_name', type: 'text' }) familyName: string;
  @Column({ name: 'date_of_birth', type: 'text' }) dateOfBirth: string;
  @Column({ type: 'text', nullable: true }) phone: string | null;
  @Column({ type: 'text', nullable: true }) email: string | null;
  @Column({ type: 'text', nullable: true }) sex: string | null;
  @Column({ type: 'text', nullable: true }) ethnicity: string | null;
  /** A young person's parent or guardian: { name, relationship?, phone?, email? }. */
  @Column({ type: 'jsonb', nullable: true }) guardian: { name: string; relationship?: string; phone?: string; email?: string } | null;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt: Date;
}
