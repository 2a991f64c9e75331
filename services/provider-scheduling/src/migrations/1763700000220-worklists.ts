import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Worklists: the officer of each referral (an escalated referral is an action on the
 * officer's worklist), and indexes for the worklist queries (open appointments past their
 * deadline or reminder, escalated referrals).
 */
export class Worklists1763700000220 implements MigrationInterface {
  name = 'Worklists1763700000220';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE scheduling_referral ADD COLUMN officer_collar_number text');
    await q.query(`CREATE INDEX appointment_open_by_provider ON appointment (provider_id, kind, deadline) WHERE status = 'booked'`);
    await q.query('CREATE INDEX scheduling_referral_escalated ON scheduling_referral (escalated_at) WHERE escalation_reason IS NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX scheduling_referral_escalated');
    await q.query('DROP INDEX appointment_open_by_provider');
    await q.query('ALTER TABLE scheduling_referral DROP COLUMN officer_collar_number');
  }
}
