import type { MigrationInterface, QueryRunner } from 'typeorm';

const COLUMNS = ['refusals', 'quantities_judged_by_officer', 'signposted_completions'];

/**
 * Issue 18: the figures count refusals of an eligible diversion (apart from declines),
 * referrals whose quantity the officer judged (no threshold could), and completions with
 * signposting to other local services.
 */
export class ChoiceFigures1763700000340 implements MigrationInterface {
  name = 'ChoiceFigures1763700000340';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['scheme_figure', 'scheme_figure_delta']) {
      await q.query(`ALTER TABLE ${table} ${COLUMNS.map((c) => `ADD COLUMN ${c} int NOT NULL DEFAULT 0`).join(', ')}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['scheme_figure', 'scheme_figure_delta']) {
      await q.query(`ALTER TABLE ${table} ${COLUMNS.map((c) => `DROP COLUMN ${c}`).join(', ')}`);
    }
  }
}
