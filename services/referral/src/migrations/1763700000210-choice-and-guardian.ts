import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18: a refusal of an eligible diversion is its own decision ('refused'), and a young
 * person's parent or guardian can be recorded with the encounter (personal data: in
 * referral_person, erased with it).
 */
export class ChoiceAndGuardian1763700000210 implements MigrationInterface {
  name = 'ChoiceAndGuardian1763700000210';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE referral DROP CONSTRAINT referral_decision_check,
      ADD CONSTRAINT referral_decision_check CHECK (decision IN ('referred', 'declined', 'refused'))`);
    await q.query(`ALTER TABLE referral_person ADD COLUMN guardian jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE referral_person DROP COLUMN guardian`);
    await q.query(`DELETE FROM referral WHERE decision = 'refused'`);
    await q.query(`ALTER TABLE referral DROP CONSTRAINT referral_decision_check,
      ADD CONSTRAINT referral_decision_check CHECK (decision IN ('referred', 'declined'))`);
  }
}
