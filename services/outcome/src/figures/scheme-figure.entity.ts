import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Counters of the scheme figures read model, one row per scheme, area, month and fairness cell. */
@Entity('scheme_figure')
export class SchemeFigureEntity {
  @PrimaryColumn('text', { name: 'scheme_id' }) schemeId: string;
  @PrimaryColumn('text') area: string;
  @PrimaryColumn('text') month: string;
  @PrimaryColumn('text', { name: 'age_band' }) ageBand: string;
  @PrimaryColumn('text') sex: string;
  @PrimaryColumn('text') ethnicity: string;
  @Column('int') referrals: number;
  @Column('int') declines: number;
  @Column('int') withdrawals: number;
  @Column('int', { name: 'assessments_completed' }) assessmentsCompleted: number;
  @Column('int', { name: 'assessments_within_deadline' }) assessmentsWithinDeadline: number;
  @Column('int') completions: number;
  @Column('int', { name: 'reviews_opened' }) reviewsOpened: number;
  @Column('int', { name: 'reviews_excused' }) reviewsExcused: number;
  @Column('int', { name: 'summons_requests' }) summonsRequests: number;
  @Column('int', { name: 'summons_withdrawn' }) summonsWithdrawn: number;
  @Column('int', { name: 'no_further_diversions' }) noFurtherDiversions: number;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
