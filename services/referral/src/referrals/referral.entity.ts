import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** jsonb columns: TypeORM's insert typing cannot walk Record<string, unknown>. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonObject = Record<string, any>;

/** A decision on one encounter (eligible or not). Personal details stay in this service. */
@Entity('referral')
export class ReferralEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'encounter_id', unique: true }) encounterId: string;
  @Column({ name: 'short_ref', unique: true }) shortRef: string;
  @Column() status: string;
  @Column({ name: 'scheme_id', type: 'text', nullable: true }) schemeId: string | null;
  @Column({ type: 'jsonb' }) decision: JsonObject;
  @Column({ type: 'jsonb' }) encounter: JsonObject;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
