import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When the show-cause notice was confirmed to have reached the person, how, and by whom: the window counts from then. */
export class ShowCauseNotice1763700000335 implements MigrationInterface {
  name = 'ShowCauseNotice1763700000335';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE compliance_review
        ADD COLUMN notice_confirmed_at  timestamptz,
        ADD COLUMN notice_confirmed_via text,
        ADD COLUMN notice_confirmed_by  text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE compliance_review DROP COLUMN notice_confirmed_at, DROP COLUMN notice_confirmed_via, DROP COLUMN notice_confirmed_by`);
  }
}
