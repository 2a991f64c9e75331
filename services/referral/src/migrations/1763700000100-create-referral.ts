import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateReferral1763700000100 implements MigrationInterface {
  name = 'CreateReferral1763700000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE referral (
        id           uuid PRIMARY KEY,
        encounter_id text NOT NULL UNIQUE,
        short_ref    text NOT NULL UNIQUE,
        status       text NOT NULL,
        scheme_id    text,
        decision     jsonb NOT NULL,
        encounter    jsonb NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE referral');
  }
}
