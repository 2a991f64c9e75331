import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18, point 8: notices about a young person also go to their parent or guardian
 * (role 'guardian'), and a youth referral is shared with the area's Youth Offending Team
 * (role 'youth-offending-team', an endpoint per area or a default). referral_state marks
 * young people's referrals, so later events know to copy the person's notices.
 */
export class GuardiansAndYouthOffendingTeams1763700000450 implements MigrationInterface {
  name = 'GuardiansAndYouthOffendingTeams1763700000450';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification DROP CONSTRAINT notification_role_check,
      ADD CONSTRAINT notification_role_check CHECK (recipient_role IN ('person', 'guardian', 'officer', 'provider', 'courts-unit', 'youth-offending-team'))`);
    await q.query(`ALTER TABLE recipient_endpoint DROP CONSTRAINT recipient_endpoint_role_check,
      ADD CONSTRAINT recipient_endpoint_role_check CHECK (role IN ('officer', 'provider', 'courts-unit', 'youth-offending-team'))`);
    await q.query(`ALTER TABLE referral_state ADD COLUMN youth boolean NOT NULL DEFAULT false`);
    // Somewhere to go until the force configures each area's team (PUT /v1/recipient-endpoints).
    await q.query(`INSERT INTO recipient_endpoint (role, match_kind, match_value, channel, address, recorded_at, recorded_by)
      VALUES ('youth-offending-team', 'default', '*', 'email', 'youth-offending-teams@thamesvalley.police.example', now(), 'migration')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM recipient_endpoint WHERE role = 'youth-offending-team'`);
    await q.query(`DELETE FROM notification WHERE recipient_role IN ('guardian', 'youth-offending-team')`);
    await q.query(`ALTER TABLE referral_state DROP COLUMN youth`);
    await q.query(`ALTER TABLE recipient_endpoint DROP CONSTRAINT recipient_endpoint_role_check,
      ADD CONSTRAINT recipient_endpoint_role_check CHECK (role IN ('officer', 'provider', 'courts-unit'))`);
    await q.query(`ALTER TABLE notification DROP CONSTRAINT notification_role_check,
      ADD CONSTRAINT notification_role_check CHECK (recipient_role IN ('person', 'officer', 'provider', 'courts-unit'))`);
  }
}
