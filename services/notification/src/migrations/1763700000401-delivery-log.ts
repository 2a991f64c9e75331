import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The delivery log grows from the walking skeleton's table: channels, statuses, due
 * times, masked destinations, attempts; plus preferences, recipient endpoints, provider
 * contacts and the referrals this service knows are closed.
 */
export class DeliveryLog1763700000401 implements MigrationInterface {
  name = 'DeliveryLog1763700000401';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification ALTER COLUMN referral_id TYPE text`);
    await q.query(`
      ALTER TABLE notification
        ADD COLUMN recipient_key       text,
        ADD COLUMN category            text NOT NULL DEFAULT 'routine',
        ADD COLUMN appointment_id      text,
        ADD COLUMN reminder_offset     text,
        ADD COLUMN due_at              timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN held_until          timestamptz,
        ADD COLUMN last_error          text,
        ADD COLUMN masked_destination  text,
        ADD COLUMN sent_via            text,
        ADD COLUMN provider_message_id text,
        ADD COLUMN context             jsonb NOT NULL DEFAULT '{}'::jsonb,
        ADD COLUMN source_event_id     text NOT NULL DEFAULT '',
        ADD COLUMN source_event_type   text NOT NULL DEFAULT '',
        ADD COLUMN correlation_id      text NOT NULL DEFAULT '',
        ADD COLUMN needs_sync          boolean NOT NULL DEFAULT true,
        ADD COLUMN updated_at          timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN sent_at             timestamptz,
        ADD COLUMN failed_at           timestamptz,
        ADD COLUMN cancelled_at        timestamptz,
        ADD COLUMN cancel_reason       text`);
    // Rows the walking skeleton recorded were never sent anywhere: say so.
    await q.query(`
      UPDATE notification SET status = 'cancelled', cancelled_at = now(), needs_sync = false,
             cancel_reason = 'walking skeleton: recorded, never sent'
       WHERE status NOT IN ('scheduled', 'queued', 'held-quiet-hours', 'sent', 'failed', 'cancelled')`);
    for (const column of ['category', 'due_at', 'context', 'source_event_id', 'source_event_type', 'correlation_id', 'updated_at']) {
      await q.query(`ALTER TABLE notification ALTER COLUMN ${column} DROP DEFAULT`);
    }
    await q.query(`ALTER TABLE notification ALTER COLUMN created_at DROP DEFAULT`);
    await q.query(`
      ALTER TABLE notification
        ADD CONSTRAINT notification_status_check CHECK (status IN ('scheduled', 'queued', 'held-quiet-hours', 'sent', 'failed', 'cancelled')),
        ADD CONSTRAINT notification_channel_check CHECK (channel IN ('email', 'sms', 'webhook')),
        ADD CONSTRAINT notification_role_check CHECK (recipient_role IN ('person', 'officer', 'provider', 'courts-unit'))`);
    await q.query(`CREATE INDEX notification_appointment ON notification (appointment_id) WHERE appointment_id IS NOT NULL`);
    await q.query(`CREATE INDEX notification_needs_sync ON notification (due_at) WHERE needs_sync`);

    await q.query(`
      CREATE TABLE notification_attempt (
        id              bigserial PRIMARY KEY,
        notification_id text NOT NULL REFERENCES notification (id),
        attempt         integer NOT NULL,
        channel         text NOT NULL,
        via             text,
        outcome         text NOT NULL CHECK (outcome IN ('sent', 'failed', 'gave-up')),
        error           text,
        duration_ms     integer NOT NULL,
        attempted_at    timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX notification_attempt_notification ON notification_attempt (notification_id)');

    await q.query(`
      CREATE TABLE notification_preference (
        id            bigserial PRIMARY KEY,
        referral_id   text NOT NULL,
        channel       text CHECK (channel IN ('sms', 'email')),
        opt_out       boolean NOT NULL DEFAULT false,
        recorded_at   timestamptz NOT NULL,
        recorded_by   text NOT NULL,
        superseded_at timestamptz
      )`);
    await q.query('CREATE UNIQUE INDEX notification_preference_current ON notification_preference (referral_id) WHERE superseded_at IS NULL');

    await q.query(`
      CREATE TABLE recipient_endpoint (
        id            bigserial PRIMARY KEY,
        role          text NOT NULL CHECK (role IN ('officer', 'provider', 'courts-unit')),
        match_kind    text NOT NULL CHECK (match_kind IN ('collar', 'provider', 'area', 'default')),
        match_value   text NOT NULL,
        channel       text NOT NULL CHECK (channel IN ('email', 'webhook')),
        address       text NOT NULL,
        secret        text,
        recorded_at   timestamptz NOT NULL,
        recorded_by   text NOT NULL,
        superseded_at timestamptz,
        CHECK (channel <> 'webhook' OR secret IS NOT NULL)
      )`);
    await q.query('CREATE UNIQUE INDEX recipient_endpoint_current ON recipient_endpoint (role, match_kind, match_value) WHERE superseded_at IS NULL');
    // Defaults so every officer notice and summons request has somewhere to go until
    // the force configures its own (per area, per collar number, or a court system webhook).
    await q.query(`
      INSERT INTO recipient_endpoint (role, match_kind, match_value, channel, address, recorded_at, recorded_by) VALUES
        ('officer', 'default', '*', 'email', 'diversion-officers@thamesvalley.police.example', now(), 'migration'),
        ('courts-unit', 'default', '*', 'email', 'courts-unit@thamesvalley.police.example', now(), 'migration')`);

    await q.query(`
      CREATE TABLE provider_contact (
        provider_id text PRIMARY KEY,
        phone       text,
        web         text,
        recorded_at timestamptz NOT NULL,
        recorded_by text NOT NULL
      )`);

    await q.query(`
      CREATE TABLE referral_state (
        referral_id     text PRIMARY KEY,
        closed_at       timestamptz,
        closed_by_event text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE referral_state');
    await q.query('DROP TABLE provider_contact');
    await q.query('DROP TABLE recipient_endpoint');
    await q.query('DROP TABLE notification_preference');
    await q.query('DROP TABLE notification_attempt');
    await q.query('DELETE FROM notification');
    await q.query(`
      ALTER TABLE notification
        DROP CONSTRAINT notification_status_check, DROP CONSTRAINT notification_channel_check, DROP CONSTRAINT notification_role_check,
        DROP COLUMN recipient_key, DROP COLUMN category, DROP COLUMN appointment_id, DROP COLUMN reminder_offset, DROP COLUMN due_at,
        DROP COLUMN held_until, DROP COLUMN last_error, DROP COLUMN masked_destination, DROP COLUMN sent_via, DROP COLUMN provider_message_id,
        DROP COLUMN context, DROP COLUMN source_event_id, DROP COLUMN source_event_type, DROP COLUMN correlation_id, DROP COLUMN needs_sync,
        DROP COLUMN updated_at, DROP COLUMN sent_at, DROP COLUMN failed_at, DROP COLUMN cancelled_at, DROP COLUMN cancel_reason`);
    await q.query('ALTER TABLE notification ALTER COLUMN created_at SET DEFAULT now()');
    await q.query('ALTER TABLE notification ALTER COLUMN referral_id TYPE uuid USING referral_id::uuid');
  }
}
