import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { AssessmentScheduled, type EventEnvelope, type ReferralCreatedData } from '@ddp/contracts';
import { Clock, EventContext } from '@ddp/platform';
import { randomUUID } from 'node:crypto';
import { AppointmentEntity } from './appointment.entity';

/** WALKING SKELETON: books the assessment one hour from now with the suggested provider. */
@Controller()
export class ReferralsConsumer {
  constructor(@Inject(Clock) private readonly clock: Clock) {}

  @EventPattern('ReferralCreated')
  async onReferralCreated(@Payload() event: EventEnvelope<ReferralCreatedData>, @Ctx() ctx: EventContext): Promise<void> {
    const startsAt = new Date(this.clock.now().getTime() + 3600_000);
    const endsAt = new Date(startsAt.getTime() + 30 * 60_000);
    const appointment = await ctx.manager.save(AppointmentEntity, {
      id: randomUUID(), referralId: event.data.referralId, kind: 'assessment', providerId: event.data.providerId ?? 'unassigned',
      startsAt, endsAt, modality: 'phone', status: 'booked',
    });
    await ctx.publish(AssessmentScheduled, {
      referralId: event.data.referralId, appointmentId: appointment.id, providerId: appointment.providerId,
      startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), modality: 'phone', deadline: event.data.assessmentDeadline,
    });
  }
}
