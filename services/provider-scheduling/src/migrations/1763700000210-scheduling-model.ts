import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The scheduling model: referrals as this service sees them, bookable capacity (slots and
 * weekly counters), appointments with their history, assessment outcomes, courses and
 * attendance. See ../../README.md for the design.
 */
export class SchedulingModel1763700000210 implements MigrationInterface {
  name = 'SchedulingModel1763700000210';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scheduling_referral (
        referral_id          text PRIMARY KEY,
        short_ref            text NOT NULL,
        person_ref           text NOT NULL,
        scheme_id            text NOT NULL,
        area                 text NOT NULL,
        age_band             text NOT NULL CHECK (age_band IN ('youth', 'adult')),
        offence_type         text NOT NULL,
        encounter_at         timestamptz NOT NULL,
        assessment_deadline  timestamptz NOT NULL,
        provider_id          text,
        status               text NOT NULL,
        escalation_reason    text,
        escalated_at         timestamptz,
        correlation_id       text NOT NULL,
        received_at          timestamptz NOT NULL,
        updated_at           timestamptz NOT NULL,
        withdrawn_at         timestamptz,
        withdrawn_by         text,
        withdrawal_reason    text
      )`);
    await q.query('CREATE INDEX scheduling_referral_provider ON scheduling_referral (provider_id, status, encounter_at)');

    await q.query(`
      CREATE TABLE referral_status_change (
        id               bigserial PRIMARY KEY,
        referral_id      text NOT NULL REFERENCES scheduling_referral (referral_id),
        from_status      text,
        to_status        text NOT NULL,
        lifecycle_event  text NOT NULL,
        at               timestamptz NOT NULL,
        by               text NOT NULL,
        detail           text
      )`);
    await q.query('CREATE INDEX referral_status_change_referral ON referral_status_change (referral_id, id)');

    await q.query(`
      CREATE TABLE provider_slot (
        id           uuid PRIMARY KEY,
        provider_id  text NOT NULL,
        kind         text NOT NULL CHECK (kind IN ('assessment', 'session')),
        local_date   date NOT NULL,
        starts_at    timestamptz NOT NULL,
        ends_at      timestamptz NOT NULL CHECK (ends_at > starts_at),
        capacity     int NOT NULL CHECK (capacity >= 0),
        booked       int NOT NULL DEFAULT 0,
        created_at   timestamptz NOT NULL,
        CONSTRAINT provider_slot_never_overbooked CHECK (booked >= 0 AND booked <= capacity),
        CONSTRAINT provider_slot_unique UNIQUE (provider_id, kind, starts_at, ends_at)
      )`);
    await q.query('CREATE INDEX provider_slot_by_time ON provider_slot (provider_id, kind, starts_at)');

    // Which days' assessment slots exist (a closed day has a row and no slots).
    await q.query(`
      CREATE TABLE provider_slot_day (
        provider_id   text NOT NULL,
        kind          text NOT NULL,
        local_date    date NOT NULL,
        generated_at  timestamptz NOT NULL,
        PRIMARY KEY (provider_id, kind, local_date)
      )`);

    // Referrals taken per provider per week (Monday to Sunday, UK dates), against weeklyCapacity.
    await q.query(`
      CREATE TABLE provider_week (
        provider_id  text NOT NULL,
        week_start   date NOT NULL,
        taken        int NOT NULL DEFAULT 0 CHECK (taken >= 0),
        PRIMARY KEY (provider_id, week_start)
      )`);

    await q.query(`
      CREATE TABLE course (
        id                uuid PRIMARY KEY,
        referral_id       text NOT NULL REFERENCES scheduling_referral (referral_id),
        provider_id       text NOT NULL,
        scheme_id         text NOT NULL,
        modality          text NOT NULL,
        sessions          int NOT NULL CHECK (sessions >= 1),
        interval_days     int NOT NULL CHECK (interval_days >= 1),
        session_minutes   int NOT NULL CHECK (session_minutes >= 1),
        first_session_at  timestamptz NOT NULL,
        status            text NOT NULL CHECK (status IN ('booked', 'completed', 'cancelled')),
        booked_at         timestamptz NOT NULL,
        booked_by         text NOT NULL,
        completed_at      timestamptz,
        cancelled_at      timestamptz,
        cancel_reason     text,
        defer_count       int NOT NULL DEFAULT 0,
        last_deferred_at  timestamptz,
        last_deferred_by  text
      )`);
    await q.query('CREATE INDEX course_referral ON course (referral_id)');

    // The walking skeleton's appointment table grows the history and capacity columns. Referral
    // ids are strings in the contracts (not necessarily UUIDs), so they are text everywhere.
    await q.query('ALTER TABLE appointment ALTER COLUMN referral_id TYPE text');
    await q.query(`
      ALTER TABLE appointment
        ADD COLUMN course_id         uuid REFERENCES course (id),
        ADD COLUMN session_number    int CHECK (session_number >= 1),
        ADD COLUMN slot_id           uuid REFERENCES provider_slot (id),
        ADD COLUMN counted_week      date,
        ADD COLUMN deadline          timestamptz,
        ADD COLUMN booked_at         timestamptz,
        ADD COLUMN booked_by         text,
        ADD COLUMN supersedes_id     uuid REFERENCES appointment (id),
        ADD COLUMN superseded_by_id  uuid,
        ADD COLUMN superseded_at     timestamptz,
        ADD COLUMN superseded_by     text,
        ADD COLUMN requested_by      text,
        ADD COLUMN supersede_reason  text,
        ADD COLUMN cancelled_at      timestamptz,
        ADD COLUMN cancelled_by      text,
        ADD COLUMN cancel_reason     text,
        ADD COLUMN reminder_sent_at  timestamptz,
        ADD CONSTRAINT appointment_kind CHECK (kind IN ('assessment', 'session')),
        ADD CONSTRAINT appointment_status CHECK (status IN ('booked', 'completed', 'missed', 'attended', 'late', 'did-not-attend', 'superseded', 'cancelled')),
        ADD CONSTRAINT appointment_session_has_course CHECK (kind <> 'session' OR (course_id IS NOT NULL AND session_number IS NOT NULL))`);
    await q.query('ALTER TABLE appointment ALTER COLUMN created_at DROP DEFAULT');
    // At most one open assessment per referral, and one current appointment per course session.
    await q.query("CREATE UNIQUE INDEX appointment_one_open_assessment ON appointment (referral_id) WHERE kind = 'assessment' AND status = 'booked'");
    await q.query("CREATE UNIQUE INDEX appointment_one_current_session ON appointment (course_id, session_number) WHERE kind = 'session' AND superseded_by_id IS NULL AND status <> 'cancelled'");
    await q.query('CREATE INDEX appointment_provider_time ON appointment (provider_id, starts_at)');

    await q.query(`
      CREATE TABLE assessment_record (
        appointment_id        uuid PRIMARY KEY REFERENCES appointment (id),
        referral_id           text NOT NULL,
        outcome               text NOT NULL CHECK (outcome IN ('completed', 'missed')),
        support_plan_summary  text,
        absence_class         text CHECK (absence_class IN ('acceptable', 'logistics', 'unacceptable')),
        notes                 text,
        detected_by           text NOT NULL CHECK (detected_by IN ('provider', 'deadline')),
        recorded_at           timestamptz NOT NULL,
        recorded_by           text NOT NULL
      )`);

    await q.query(`
      CREATE TABLE attendance (
        appointment_id     uuid PRIMARY KEY REFERENCES appointment (id),
        referral_id        text NOT NULL,
        course_id          uuid NOT NULL REFERENCES course (id),
        session_number     int NOT NULL,
        mark               text NOT NULL CHECK (mark IN ('attended', 'late', 'did-not-attend')),
        absence_class      text CHECK (absence_class IN ('acceptable', 'logistics', 'unacceptable')),
        notes              text,
        counts_as_failure  boolean NOT NULL,
        follow_up          text NOT NULL CHECK (follow_up IN ('none', 'rebook', 'open-review')),
        recorded_at        timestamptz NOT NULL,
        recorded_by        text NOT NULL,
        CONSTRAINT attendance_absence_classified CHECK ((mark = 'did-not-attend') = (absence_class IS NOT NULL))
      )`);
    await q.query('CREATE INDEX attendance_referral ON attendance (referral_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE attendance');
    await q.query('DROP TABLE assessment_record');
    await q.query('DROP INDEX appointment_provider_time');
    await q.query('DROP INDEX appointment_one_current_session');
    await q.query('DROP INDEX appointment_one_open_assessment');
    await q.query(`
      ALTER TABLE appointment
        DROP CONSTRAINT appointment_session_has_course, DROP CONSTRAINT appointment_status, DROP CONSTRAINT appointment_kind,
        DROP COLUMN course_id, DROP COLUMN session_number, DROP COLUMN slot_id, DROP COLUMN counted_week, DROP COLUMN deadline,
        DROP COLUMN booked_at, DROP COLUMN booked_by, DROP COLUMN supersedes_id, DROP COLUMN superseded_by_id, DROP COLUMN superseded_at,
        DROP COLUMN superseded_by, DROP COLUMN requested_by, DROP COLUMN supersede_reason, DROP COLUMN cancelled_at,
        DROP COLUMN cancelled_by, DROP COLUMN cancel_reason, DROP COLUMN reminder_sent_at`);
    await q.query('ALTER TABLE appointment ALTER COLUMN created_at SET DEFAULT now()');
    await q.query('ALTER TABLE appointment ALTER COLUMN referral_id TYPE uuid USING referral_id::uuid');
    await q.query('DROP TABLE course');
    await q.query('DROP TABLE provider_week');
    await q.query('DROP TABLE provider_slot_day');
    await q.query('DROP TABLE provider_slot');
    await q.query('DROP TABLE referral_status_change');
    await q.query('DROP TABLE scheduling_referral');
  }
}
