import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EventEnvelope, NotificationDeliveryReportedData } from '@ddp/contracts';
import { EventContext } from '@ddp/platform';
import { ShowCauseNoticeService } from './show-cause-notice.service';

/** diversion.notification.v1: a show-cause notice confirmed delivered starts (or moves) its window. */
@Controller()
export class NoticeReceiptsConsumer {
  constructor(@Inject(ShowCauseNoticeService) private readonly notices: ShowCauseNoticeService) {}

  @EventPattern('NotificationDeliveryReported')
  async onDeliveryReported(@Payload() e: EventEnvelope<NotificationDeliveryReportedData>, @Ctx() ctx: EventContext): Promise<void> {
    const d = e.data;
    // Only the person's own notice starts the window (a guardian's copy reaching them is not the person told).
    if (d.template !== 'show-cause' || d.recipientRole !== 'person' || d.status !== 'delivered' || !d.reviewId) return;
    await this.notices.confirm(ctx.manager, d.reviewId, { at: new Date(d.reportedAt), via: d.channel, by: 'notify-delivery-receipt' });
  }
}
