import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAppointment1763700000200 implements MigrationInterface {
  name = 'CreateAppointment1763700000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE appointment (
        id          uuid PRIMARY KEY,
        referral_id uuid NOT NULL,
        kind        text NOT NULL,
        provider_id text NOT NULL,
        starts_at   timestamptz NOT NULL,
        ends_at     timestamptz NOT NULL,
        modality    text NOT NULL,
        status      text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX appointment_referral ON appointment (referral_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE appointment');
  }
}
