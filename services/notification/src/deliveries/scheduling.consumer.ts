import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { NotificationSent, type AssessmentScheduledData, type EventEnvelope } from '@ddp/contracts';
import { EventContext } from '@ddp/platform';
import { NotificationEntity } from './notification.entity';

/** WALKING SKELETON: records the booking confirmation for the person (no channel yet). */
@Controller()
export class SchedulingConsumer {
  @EventPattern('AssessmentScheduled')
  async onAssessmentScheduled(@Payload() event: EventEnvelope<AssessmentScheduledData>, @Ctx() ctx: EventContext): Promise<void> {
    // Deterministic id: a redelivered event maps to the same notification.
    const id = `assessment-confirmation:${event.data.appointmentId}`;
    await ctx.manager.save(NotificationEntity, {
      id, referralId: event.data.referralId, template: 'assessment-confirmation', channel: 'email', recipientRole: 'person', status: 'recorded', attempts: 1,
    });
    await ctx.publish(NotificationSent, {
      notificationId: id, referralId: event.data.referralId, channel: 'email', recipientRole: 'person', template: 'assessment-confirmation', attempts: 1,
    });
  }
}
