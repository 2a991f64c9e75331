import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTrackedReferral1763700000300 implements MigrationInterface {
  name = 'CreateTrackedReferral1763700000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tracked_referral (
        referral_id     uuid PRIMARY KEY,
        scheme_id       text NOT NULL,
        area            text NOT NULL,
        status          text NOT NULL,
        last_event_type text NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tracked_referral');
  }
}
