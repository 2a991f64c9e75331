import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { AssessmentScheduledData, EventEnvelope, ReferralCreatedData } from '@ddp/contracts';
import { EventContext } from '@ddp/platform';
import { TrackedReferralEntity } from './tracked-referral.entity';

/** WALKING SKELETON: records each referral and its latest scheduling step. */
@Controller()
export class TrackingConsumer {
  @EventPattern('ReferralCreated')
  async onReferralCreated(@Payload() event: EventEnvelope<ReferralCreatedData>, @Ctx() ctx: EventContext): Promise<void> {
    await ctx.manager.save(TrackedReferralEntity, {
      referralId: event.data.referralId, schemeId: event.data.schemeId, area: event.data.area, status: 'referred', lastEventType: event.eventType,
    });
  }

  @EventPattern('AssessmentScheduled')
  async onAssessmentScheduled(@Payload() event: EventEnvelope<AssessmentScheduledData>, @Ctx() ctx: EventContext): Promise<void> {
    await ctx.manager.update(TrackedReferralEntity, { referralId: event.data.referralId }, { status: 'assessment-scheduled', lastEventType: event.eventType });
  }
}
