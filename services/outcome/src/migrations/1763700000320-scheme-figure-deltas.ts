import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheme figures are recorded as appended deltas instead of upserted counters: an upsert
 * locked the cell's row until its transaction committed, so every consumer transaction
 * touching the same scheme/area/month/dimensions waited for the others (and deadlocked
 * when two took cells in different orders). FiguresService folds the deltas into
 * scheme_figure in the background; a query reads both.
 */
export class SchemeFigureDeltas1763700000320 implements MigrationInterface {
  name = 'SchemeFigureDeltas1763700000320';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scheme_figure_delta (
        id                          bigserial PRIMARY KEY,
        scheme_id                   text NOT NULL,
        area                        text NOT NULL,
        month                       text NOT NULL,
        age_band                    text NOT NULL,
        sex                         text NOT NULL,
        ethnicity                   text NOT NULL,
        referrals                   int NOT NULL DEFAULT 0,
        declines                    int NOT NULL DEFAULT 0,
        withdrawals                 int NOT NULL DEFAULT 0,
        assessments_completed       int NOT NULL DEFAULT 0,
        assessments_within_deadline int NOT NULL DEFAULT 0,
        completions                 int NOT NULL DEFAULT 0,
        reviews_opened              int NOT NULL DEFAULT 0,
        reviews_excused             int NOT NULL DEFAULT 0,
        summons_requests            int NOT NULL DEFAULT 0,
        summons_withdrawn           int NOT NULL DEFAULT 0,
        no_further_diversions       int NOT NULL DEFAULT 0,
        recorded_at                 timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Fold what is pending first, so going back loses no count.
    await q.query(`
      INSERT INTO scheme_figure (scheme_id, area, month, age_band, sex, ethnicity, updated_at, referrals, declines, withdrawals, assessments_completed,
        assessments_within_deadline, completions, reviews_opened, reviews_excused, summons_requests, summons_withdrawn, no_further_diversions)
      SELECT scheme_id, area, month, age_band, sex, ethnicity, max(recorded_at), sum(referrals), sum(declines), sum(withdrawals), sum(assessments_completed),
        sum(assessments_within_deadline), sum(completions), sum(reviews_opened), sum(reviews_excused), sum(summons_requests), sum(summons_withdrawn), sum(no_further_diversions)
        FROM scheme_figure_delta GROUP BY scheme_id, area, month, age_band, sex, ethnicity
      ON CONFLICT (scheme_id, area, month, age_band, sex, ethnicity) DO UPDATE SET updated_at = EXCLUDED.updated_at,
        referrals = scheme_figure.referrals + EXCLUDED.referrals, declines = scheme_figure.declines + EXCLUDED.declines,
        withdrawals = scheme_figure.withdrawals + EXCLUDED.withdrawals, assessments_completed = scheme_figure.assessments_completed + EXCLUDED.assessments_completed,
        assessments_within_deadline = scheme_figure.assessments_within_deadline + EXCLUDED.assessments_within_deadline,
        completions = scheme_figure.completions + EXCLUDED.completions, reviews_opened = scheme_figure.reviews_opened + EXCLUDED.reviews_opened,
        reviews_excused = scheme_figure.reviews_excused + EXCLUDED.reviews_excused, summons_requests = scheme_figure.summons_requests + EXCLUDED.summons_requests,
        summons_withdrawn = scheme_figure.summons_withdrawn + EXCLUDED.summons_withdrawn, no_further_diversions = scheme_figure.no_further_diversions + EXCLUDED.no_further_diversions`);
    await q.query('DROP TABLE scheme_figure_delta');
  }
}
