import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tables the platform plumbing needs in every service database: the transactional
 * outbox, the inbox of processed event ids, and the parking lot for events held back
 * behind a dead-lettered one of the same referral. Each service lists this migration
 * first in its own migrations.
 */
export class CreatePlatformTables1763700000000 implements MigrationInterface {
  name = 'CreatePlatformTables1763700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox_message (
        id           bigserial PRIMARY KEY,
        event_id     uuid NOT NULL UNIQUE,
        topic        text NOT NULL,
        message_key  text NOT NULL,
        event_type   text NOT NULL,
        payload      jsonb NOT NULL,
        headers      jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at   timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    // The relay only ever scans unpublished rows, in id order.
    await q.query(`CREATE INDEX outbox_message_unpublished ON outbox_message (id) WHERE published_at IS NULL`);
    await q.query(`
      CREATE TABLE inbox_event (
        consumer     text NOT NULL,
        event_id     text NOT NULL,
        event_type   text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
    await q.query(`
      CREATE TABLE parked_key (
        consumer      text NOT NULL,
        message_key   text NOT NULL,
        reason        text NOT NULL,
        parked_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_key)
      )`);
    await q.query(`
      CREATE TABLE parked_message (
        id            bigserial PRIMARY KEY,
        consumer      text NOT NULL,
        message_key   text NOT NULL,
        topic         text NOT NULL,
        kafka_partition integer NOT NULL,
        kafka_offset  text NOT NULL,
        headers       jsonb NOT NULL,
        value         text,
        parked_at     timestamptz NOT NULL DEFAULT now(),
        UNIQUE (consumer, topic, kafka_partition, kafka_offset)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE parked_message');
    await q.query('DROP TABLE parked_key');
    await q.query('DROP TABLE inbox_event');
    await q.query('DROP TABLE outbox_message');
  }
}
