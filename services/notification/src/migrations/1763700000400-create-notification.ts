import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateNotification1763700000400 implements MigrationInterface {
  name = 'CreateNotification1763700000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification (
        id             text PRIMARY KEY,
        referral_id    uuid NOT NULL,
        template       text NOT NULL,
        channel        text NOT NULL,
        recipient_role text NOT NULL,
        status         text NOT NULL,
        attempts       integer NOT NULL DEFAULT 0,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX notification_referral ON notification (referral_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE notification');
  }
}
