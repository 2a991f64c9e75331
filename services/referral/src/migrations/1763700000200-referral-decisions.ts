import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replaces the walking skeleton's `referral` table (placeholder decisions only, and it
 * kept the whole encounter, personal details included, in one jsonb column) with:
 * - referral: one decision per encounter (referred or declined), no names or contacts;
 * - referral_person: the personal details of a referred person, apart, so they can be
 *   erased or kept on their own retention schedule;
 * - referral_timeline: every event seen about a referral, for its status and history;
 * - diversion_history: the read model of each person's earlier diversions, built from
 *   this service's own decisions and the outcome service's events.
 */
export class ReferralDecisions1763700000200 implements MigrationInterface {
  name = 'ReferralDecisions1763700000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS referral');
    await q.query(`
      CREATE TABLE referral (
        id                    uuid PRIMARY KEY,
        encounter_id          text NOT NULL,
        short_ref             text NOT NULL,
        person_ref            text NOT NULL,
        decision              text NOT NULL CHECK (decision IN ('referred', 'declined')),
        status                text NOT NULL,
        status_changed_at     timestamptz NOT NULL,
        reasons               jsonb NOT NULL DEFAULT '[]'::jsonb,
        scheme_id             text,
        scheme_considered     text,
        provider_id           text,
        area                  text NOT NULL,
        age_band              text CHECK (age_band IN ('youth', 'adult')),
        offence               jsonb NOT NULL,
        indicators            jsonb NOT NULL,
        encounter_at          timestamptz NOT NULL,
        encounter_local_date  text NOT NULL,
        assessment_deadline   timestamptz,
        officer_collar_number text NOT NULL,
        bwv_reference         text,
        answer                json NOT NULL, -- json, not jsonb: kept byte for byte, so a repeat gets the identical body
        provenance            jsonb NOT NULL,
        correlation_id        text NOT NULL,
        decided_at            timestamptz NOT NULL,
        withdrawn_at          timestamptz,
        withdrawn_by          text,
        withdrawal_reason     text,
        CONSTRAINT referral_encounter_id_key UNIQUE (encounter_id),
        CONSTRAINT referral_short_ref_key UNIQUE (short_ref)
      )`);
    await q.query('CREATE INDEX referral_person_ref_idx ON referral (person_ref, decided_at)');

    await q.query(`
      CREATE TABLE referral_person (
        referral_id   uuid PRIMARY KEY REFERENCES referral (id) ON DELETE CASCADE,
        person_ref    text NOT NULL,
        given_name    text NOT NULL,
        family_name   text NOT NULL,
        date_of_birth text NOT NULL CHECK (date_of_birth ~ '^\\d{4}-\\d{2}-\\d{2}$'),
        phone         text,
        email         text,
        sex           text,
        ethnicity     text,
        recorded_at   timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX referral_person_person_ref_idx ON referral_person (person_ref)');

    await q.query(`
      CREATE TABLE referral_timeline (
        id           bigserial PRIMARY KEY,
        referral_id  uuid NOT NULL REFERENCES referral (id) ON DELETE CASCADE,
        event_id     text NOT NULL UNIQUE,
        event_type   text NOT NULL,
        occurred_at  timestamptz NOT NULL,
        summary      text NOT NULL,
        status       text,
        source_topic text NOT NULL,
        recorded_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX referral_timeline_referral_idx ON referral_timeline (referral_id, occurred_at)');

    await q.query(`
      CREATE TABLE diversion_history (
        id                bigserial PRIMARY KEY,
        referral_id       text NOT NULL,
        person_ref        text NOT NULL,
        scheme_id         text NOT NULL,
        outcome           text NOT NULL CHECK (outcome IN ('completed', 'no-further-diversion', 'summons-requested', 'excused', 'withdrawn', 'in-progress')),
        decided_at        timestamptz NOT NULL,
        source_event_type text NOT NULL,
        source_event_id   text,
        recorded_at       timestamptz NOT NULL,
        superseded_at     timestamptz
      )`);
    await q.query('CREATE UNIQUE INDEX diversion_history_current_key ON diversion_history (referral_id) WHERE superseded_at IS NULL');
    await q.query('CREATE INDEX diversion_history_person_idx ON diversion_history (person_ref) WHERE superseded_at IS NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE diversion_history');
    await q.query('DROP TABLE referral_timeline');
    await q.query('DROP TABLE referral_person');
    await q.query('DROP TABLE referral');
  }
}
