import type { MigrationInterface, QueryRunner } from 'typeorm';

/** GOV.UK Notify's delivery receipts, one row per receipt (never overwritten). No recipient address is kept. */
export class DeliveryReceipt1763700000403 implements MigrationInterface {
  name = 'DeliveryReceipt1763700000403';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE delivery_receipt (
        id                       bigserial PRIMARY KEY,
        notification_id          text NOT NULL REFERENCES notification(id),
        provider_notification_id text NOT NULL,
        status                   text NOT NULL,
        completed_at             timestamptz,
        received_at              timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX delivery_receipt_notification ON delivery_receipt (notification_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE delivery_receipt`);
  }
}
