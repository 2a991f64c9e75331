import { Column, Entity, PrimaryColumn } from 'typeorm';

/** jsonb columns: TypeORM's insert typing cannot walk Record<string, unknown>. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonObject = Record<string, any>;

export type ReferralDecisionValue = 'referred' | 'declined' | 'refused';

/**
 * The decision on one encounter, referred or declined. No names or contact details
 * here (they are in referral_person, for referred people only); personRef is the
 * police's pseudonymous reference.
 */
@Entity('referral')
export class ReferralEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'encounter_id', type: 'text' }) encounterId: string;
  @Column({ name: 'short_ref', type: 'text' }) shortRef: string;
  @Column({ name: 'person_ref', type: 'text' }) personRef: string;
  @Column({ type: 'text' }) decision: ReferralDecisionValue;
  /** A ReferralStatus of libs/domain, 'declined' or 'refused'. Derived from the timeline. */
  @Column({ type: 'text' }) status: string;
  @Column({ name: 'status_changed_at', type: 'timestamptz' }) statusChangedAt: Date;
  /** Decline reason codes, in the domain's order; [] when referred. */
  @Column({ type: 'jsonb' }) reasons: string[];
  @Column({ name: 'scheme_id', type: 'text', nullable: true }) schemeId: string | null;
  @Column({ name: 'scheme_considered', type: 'text', nullable: true }) schemeConsidered: string | null;
  @Column({ name: 'provider_id', type: 'text', nullable: true }) providerId: string | null;
  @Column({ type: 'text' }) area: string;
  @Column({ name: 'age_band', type: 'text', nullable: true }) ageBand: 'youth' | 'adult' | null;
  @Column({ type: 'jsonb' }) offence: JsonObject;
  @Column({ type: 'jsonb' }) indicators: JsonObject;
  @Column({ name: 'encounter_at', type: 'timestamptz' }) encounterAt: Date;
  @Column({ name: 'encounter_local_date', type: 'text' }) encounterLocalDate: string;
  @Column({ name: 'assessment_deadline', type: 'timestamptz', nullable: true }) assessmentDeadline: Date | null;
  @Column({ name: 'officer_collar_number', type: 'text' }) officerCollarNumber: string;
  @Column({ name: 'bwv_reference', type: 'text', nullable: true }) bwvReference: string | null;
  /** The officer's answer exactly as first given: a repeat of the encounter gets it again. */
  @Column({ type: 'json' }) answer: JsonObject;
  /** Sources (seed files, configuration defaults) of the rule rows the decision read. */
  @Column({ type: 'jsonb' }) provenance: string[];
  @Column({ name: 'correlation_id', type: 'text' }) correlationId: string;
  @Column({ name: 'decided_at', type: 'timestamptz' }) decidedAt: Date;
  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true }) withdrawnAt: Date | null;
  @Column({ name: 'withdrawn_by', type: 'text', nullable: true }) withdrawnBy: string | null;
  @Column({ name: 'withdrawal_reason', type: 'text', nullable: true }) withdrawalReason: string | null;
}
