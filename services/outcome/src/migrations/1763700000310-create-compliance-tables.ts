import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outcome service's own tables. Replaces the walking skeleton's tracked_referral.
 * Referral ids are kept as text: the contracts only promise a non-empty string.
 */
export class CreateComplianceTables1763700000310 implements MigrationInterface {
  name = 'CreateComplianceTables1763700000310';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS tracked_referral');

    // One row per referral: what ReferralCreated said (what the courts unit and the figures
    // need) and the compliance state kept through libs/domain's lifecycle.
    await q.query(`
      CREATE TABLE referral_case (
        referral_id           text PRIMARY KEY,
        short_ref             text,
        encounter_id          text NOT NULL,
        person_ref            text NOT NULL,
        scheme_id             text NOT NULL,
        area                  text NOT NULL,
        age_band              text NOT NULL,
        sex                   text NOT NULL,
        ethnicity             text NOT NULL,
        cohort_month          text NOT NULL,
        offence_type          text NOT NULL,
        substance             text,
        drug_class            text,
        encounter_at          timestamptz NOT NULL,
        assessment_deadline   timestamptz NOT NULL,
        provider_id           text,
        officer_collar_number text NOT NULL,
        bwv_reference         text,
        status                text NOT NULL,
        stage                 text NOT NULL DEFAULT 'assessment' CHECK (stage IN ('assessment', 'course')),
        first_assessed_at     timestamptz,
        ending                text,
        crime_outcome_code    int,
        ended_at              timestamptz,
        correlation_id        text NOT NULL,
        created_at            timestamptz NOT NULL,
        updated_at            timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX referral_case_person ON referral_case (person_ref)');

    // Every status change, never overwritten.
    await q.query(`
      CREATE TABLE referral_status_history (
        id              bigserial PRIMARY KEY,
        referral_id     text NOT NULL REFERENCES referral_case (referral_id),
        from_status     text,
        to_status       text NOT NULL,
        lifecycle_event text NOT NULL,
        cause_type      text NOT NULL,
        cause_id        text,
        changed_by      text NOT NULL,
        changed_at      timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX referral_status_history_referral ON referral_status_history (referral_id, id)');

    // The attendance record: every assessment / session mark and completion, by occurrence time.
    await q.query(`
      CREATE TABLE attendance_record (
        id                bigserial PRIMARY KEY,
        referral_id       text NOT NULL REFERENCES referral_case (referral_id),
        source_event_id   text NOT NULL UNIQUE,
        event_type        text NOT NULL,
        appointment_id    text,
        kind              text NOT NULL CHECK (kind IN ('assessment', 'session', 'course')),
        session_number    int,
        mark              text NOT NULL CHECK (mark IN ('attended', 'late', 'did-not-attend', 'missed-deadline', 'completed')),
        absence_class     text,
        occurred_at       timestamptz NOT NULL,
        received_at       timestamptz NOT NULL,
        is_engagement     boolean NOT NULL,
        counts_as_failure boolean NOT NULL DEFAULT false,
        failure_excused_by_review uuid
      )`);
    await q.query('CREATE INDEX attendance_record_referral ON attendance_record (referral_id, occurred_at)');

    // Scheduling events that arrived before their ReferralCreated (no order across topics).
    await q.query(`
      CREATE TABLE deferred_event (
        id          bigserial PRIMARY KEY,
        referral_id text NOT NULL,
        event_id    text NOT NULL UNIQUE,
        event_type  text NOT NULL,
        envelope    jsonb NOT NULL,
        deferred_at timestamptz NOT NULL,
        replayed_at timestamptz
      )`);
    await q.query('CREATE INDEX deferred_event_pending ON deferred_event (referral_id, id) WHERE replayed_at IS NULL');

    await q.query(`
      CREATE TABLE compliance_review (
        review_id             uuid PRIMARY KEY,
        referral_id           text NOT NULL REFERENCES referral_case (referral_id),
        trigger               text NOT NULL,
        trigger_event_id      text NOT NULL UNIQUE,
        appointment_id        text,
        kind                  text NOT NULL,
        absence_class         text,
        trigger_at            timestamptz NOT NULL,
        opened_at             timestamptz NOT NULL,
        show_cause_deadline   timestamptz NOT NULL,
        decide_at             timestamptz NOT NULL,
        status                text NOT NULL CHECK (status IN ('open', 'closed')),
        resolution            text,
        closed_at             timestamptz,
        closed_by             text,
        close_reason          text,
        reengagement_event_id text,
        reengagement_at       timestamptz,
        superseded_resolution text,
        corrected_at          timestamptz,
        correlation_id        text NOT NULL
      )`);
    // At most one open review per referral.
    await q.query("CREATE UNIQUE INDEX compliance_review_one_open ON compliance_review (referral_id) WHERE status = 'open'");
    await q.query("CREATE INDEX compliance_review_open_due ON compliance_review (decide_at) WHERE status = 'open'");

    // Never two summons requests for one referral: the unique constraint is the last word.
    await q.query(`
      CREATE TABLE summons_request (
        summons_request_id        uuid PRIMARY KEY,
        referral_id               text NOT NULL UNIQUE REFERENCES referral_case (referral_id),
        review_id                 uuid NOT NULL REFERENCES compliance_review (review_id),
        status                    text NOT NULL CHECK (status IN ('pending', 'acknowledged', 'court-result-recorded', 'withdrawn')),
        person_ref                text NOT NULL,
        short_ref                 text,
        scheme_id                 text NOT NULL,
        area                      text NOT NULL,
        age_band                  text NOT NULL,
        offence_type              text NOT NULL,
        substance                 text,
        drug_class                text,
        bwv_reference             text,
        officer_collar_number     text NOT NULL,
        encounter_at              timestamptz NOT NULL,
        review_opened_at          timestamptz NOT NULL,
        show_cause_deadline       timestamptz NOT NULL,
        reason                    text NOT NULL,
        attendance                jsonb NOT NULL,
        requested_at              timestamptz NOT NULL,
        acknowledged_at           timestamptz,
        acknowledged_by           text,
        court_result              text,
        court_result_notes        text,
        hearing_date              date,
        court_result_recorded_at  timestamptz,
        court_result_recorded_by  text,
        withdrawn_at              timestamptz,
        withdrawn_by              text,
        withdrawal_reason         text,
        withdrawn_automatically   boolean NOT NULL DEFAULT false,
        late_reengagement_at      timestamptz,
        updated_at                timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX summons_request_list ON summons_request (status, area, requested_at)');

    // Who did what and when to each summons request, never overwritten.
    await q.query(`
      CREATE TABLE summons_request_history (
        id                 bigserial PRIMARY KEY,
        summons_request_id uuid NOT NULL REFERENCES summons_request (summons_request_id),
        action             text NOT NULL,
        status             text NOT NULL,
        acted_by           text NOT NULL,
        acted_at           timestamptz NOT NULL,
        detail             jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query('CREATE INDEX summons_request_history_request ON summons_request_history (summons_request_id, id)');

    // The scheme figures read model: counters per scheme, area, month (of the encounter,
    // UK date) and the fairness dimensions. Built inside the handlers' transactions.
    await q.query(`
      CREATE TABLE scheme_figure (
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
        updated_at                  timestamptz NOT NULL,
        PRIMARY KEY (scheme_id, area, month, age_band, sex, ethnicity)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'scheme_figure', 'summons_request_history', 'summons_request', 'compliance_review', 'deferred_event',
      'attendance_record', 'referral_status_history', 'referral_case',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
