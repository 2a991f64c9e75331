import { Inject, Injectable } from '@nestjs/common';
import { NotificationDeliveryReported } from '@ddp/contracts';
import { Clock, Outbox } from '@ddp/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { NotificationEntity } from '../deliveries/notification.entity';
import { JobDispatcher } from '../delivery/job-dispatcher';
import { showCauseFallbackId, showCauseFallbackNowId } from '../planning/notification-plans';
import { FINAL_RECEIPT_STATUSES, type NotifyReceiptDto } from './notify-receipt.dto';

const PENDING = `('scheduled', 'queued', 'held-quiet-hours')`;

/**
 * Records GOV.UK Notify's delivery receipts and acts on them. A show-cause notice is the
 * person's one chance to avoid the consequence: delivered → its fallback (the provider's
 * phone task) is cancelled and NotificationDeliveryReported lets the outcome service count
 * the window from then; a failure → the phone task goes at once instead of after the wait.
 */
@Injectable()
export class DeliveryReceiptsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(JobDispatcher) private readonly dispatcher: JobDispatcher,
  ) {}

  async record(receipt: NotifyReceiptDto): Promise<'recorded' | 'unknown-notification'> {
    return this.dataSource.transaction(async (m) => {
      const row = await m.findOne(NotificationEntity, { where: { id: receipt.reference }, lock: { mode: 'pessimistic_write' } });
      // Not ours (another service on the same Notify account): acknowledged so Notify stops retrying.
      if (!row) return 'unknown-notification';
      const now = this.clock.now();
      await m.query(
        `INSERT INTO delivery_receipt (notification_id, provider_notification_id, status, completed_at, received_at) VALUES ($1, $2, $3, $4, $5)`,
        [row.id, receipt.id, receipt.status, receipt.completed_at ? new Date(receipt.completed_at) : null, now],
      );
      if (!(FINAL_RECEIPT_STATUSES as readonly string[]).includes(receipt.status)) return 'recorded';
      const reviewId: unknown = row.context?.event?.reviewId;
      await this.outbox.publish(
        m,
        NotificationDeliveryReported,
        {
          notificationId: row.id, referralId: row.referralId, channel: row.channel, recipientRole: row.recipientRole, template: row.template,
          status: receipt.status, reportedAt: now.toISOString(), ...(typeof reviewId === 'string' ? { reviewId } : {}),
        },
        { key: row.referralId, correlationId: row.correlationId, causationId: null },
      );
      // The person's own notice decides; a guardian's copy (a young person's) neither confirms it nor calls for the phone task.
      if (row.template === 'show-cause' && row.recipientRole === 'person' && typeof reviewId === 'string') await this.followUpShowCause(m, reviewId, receipt.status === 'delivered', now);
      return 'recorded';
    });
  }

  /** Every attempt to send a notice failed: for a show-cause notice, the phone task goes now. */
  async showCauseNotSent(row: Pick<NotificationEntity, 'template' | 'context'>): Promise<void> {
    const reviewId: unknown = row.context?.event?.reviewId;
    if (row.template !== 'show-cause' || typeof reviewId !== 'string') return;
    await this.dataSource.transaction((m) => this.followUpShowCause(m, reviewId, false, this.clock.now()));
  }

  private async followUpShowCause(m: EntityManager, reviewId: string, delivered: boolean, now: Date): Promise<void> {
    const waiting = showCauseFallbackId(reviewId);
    if (!delivered) {
      // The same task, due now: a copy under its own id (the waiting one's job keeps its delay), then the waiting one cancelled.
      await m.query(
        `INSERT INTO notification (id, referral_id, template, channel, recipient_role, recipient_key, category, appointment_id, reminder_offset,
                                   status, due_at, attempts, context, source_event_id, source_event_type, correlation_id, needs_sync, created_at, updated_at)
         SELECT $2, referral_id, template, channel, recipient_role, recipient_key, category, appointment_id, reminder_offset,
                'queued', $3, 0, context, source_event_id, source_event_type, correlation_id, true, $3, $3
           FROM notification WHERE id = $1 AND status IN ${PENDING}
         ON CONFLICT (id) DO NOTHING`,
        [waiting, showCauseFallbackNowId(reviewId), now],
      );
    }
    await m.query(
      `UPDATE notification SET status = 'cancelled', cancelled_at = $2, cancel_reason = $3, needs_sync = true, updated_at = $2 WHERE id = $1 AND status IN ${PENDING}`,
      [waiting, now, delivered ? 'show-cause notice delivered' : 'show-cause notice not delivered: the phone task goes now'],
    );
    this.dispatcher.wakeAfterCommit(m);
  }
}
