import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The digest of the encounter a referral was decided on, so a repeat of its encounterId can be
 * told apart: the same body is the same report (the first answer again), a different one is a
 * conflict. Null on rows decided before: those repeats keep the first answer.
 */
export class EncounterDigest1763700000202 implements MigrationInterface {
  name = 'EncounterDigest1763700000202';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE referral ADD COLUMN encounter_digest text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE referral DROP COLUMN encounter_digest');
  }
}
