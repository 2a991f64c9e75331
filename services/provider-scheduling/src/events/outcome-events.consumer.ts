import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { ComplianceReviewClosedData, ComplianceReviewOpenedData, EventEnvelope, RebookingRequestedData } from '@ddp/contracts';
import { isTerminal } from '@ddp/domain';
import { EventContext } from '@ddp/platform';
import { AppointmentEntity } from '../appointments/appointment.entity';
import { AppointmentStore } from '../appointments/appointment-store';
import { AssessmentService } from '../assessments/assessment.service';
import { Transactions } from '../common/transactions';
import { CourseService } from '../courses/course.service';
import { ReferralClosing } from '../referrals/referral-closing.service';
import { isUuid, ReferralLifecycle } from '../referrals/referral-lifecycle';

/** Events of the outcome service (topic diversion.outcome.v1). */
@Controller()
export class OutcomeEventsConsumer {
  constructor(
    @Inject(Transactions) private readonly tx: Transactions,
    @Inject(AssessmentService) private readonly assessments: AssessmentService,
    @Inject(CourseService) private readonly courses: CourseService,
    @Inject(AppointmentStore) private readonly appointments: AppointmentStore,
    @Inject(ReferralLifecycle) private readonly lifecycle: ReferralLifecycle,
    @Inject(ReferralClosing) private readonly closing: ReferralClosing,
  ) {}

  /**
   * An absence that is no failure (acceptable, logistics): book a new appointment for the
   * missed one and publish AppointmentRescheduled. Once only: a missed appointment that is
   * already superseded (rebooked by this event before, or by the provider) is left alone.
   */
  @EventPattern('RebookingRequested')
  async onRebookingRequested(@Payload() event: EventEnvelope<RebookingRequestedData>, @Ctx() ctx: EventContext): Promise<void> {
    await this.tx.inEvent(ctx, 'system:rebooking-requested', async (uow) => {
      const found = isUuid(event.data.appointmentId) ? await uow.manager.findOneBy(AppointmentEntity, { id: event.data.appointmentId }) : null;
      if (!found) return; // not one of ours
      const referral = await this.lifecycle.lock(uow.manager, found.referralId);
      if (!referral || isTerminal(referral.status)) return;
      const missed = await this.appointments.lock(uow.manager, found.id);
      if (missed.supersededById || !['missed', 'did-not-attend'].includes(missed.status)) return;
      const why = { requestedBy: 'outcome-service', reason: `rebooking after a ${event.data.absenceClass} absence` };
      if (missed.kind === 'assessment') await this.assessments.rebook(uow, referral, missed, why.requestedBy, why.reason);
      else await this.courses.rebookSession(uow, referral, missed, why);
    });
  }

  @EventPattern('ComplianceReviewOpened')
  async onReviewOpened(@Payload() event: EventEnvelope<ComplianceReviewOpenedData>, @Ctx() ctx: EventContext): Promise<void> {
    await this.tx.inEvent(ctx, 'system:compliance-review', (uow) => this.closing.reviewOpened(uow, event.data));
  }

  @EventPattern('ComplianceReviewClosed')
  async onReviewClosed(@Payload() event: EventEnvelope<ComplianceReviewClosedData>, @Ctx() ctx: EventContext): Promise<void> {
    await this.tx.inEvent(ctx, 'system:compliance-review', (uow) => this.closing.reviewClosed(uow, event.data));
  }
}
