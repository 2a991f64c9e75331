import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type {
  AppointmentRescheduledData, AssessmentCompletedData, AssessmentMissedData, AssessmentScheduledData, CourseBookedData, CourseCompletedData,
  CourseMissedData, DiversionRefusedData, EventEnvelope, ReferralCreatedData, ReferralDeclinedData, ReferralWithdrawnData, SessionAttendedData,
} from '@ddp/contracts';
import { batchPattern, EventBatchContext, EventContext } from '@ddp/platform';
import { ComplianceService } from './compliance.service';

/**
 * diversion.referral.v1 and diversion.scheduling.v1. The platform has opened the
 * transaction and written the inbox row: every effect goes through ctx.manager, so a
 * redelivered event has no second effect. Errors propagate (never caught here).
 */
@Controller()
export class OutcomeEventsConsumer {
  constructor(@Inject(ComplianceService) private readonly compliance: ComplianceService) {}

  @EventPattern('ReferralCreated')
  onReferralCreated(@Payload() e: EventEnvelope<ReferralCreatedData>, @Ctx() ctx: EventContext) {
    return this.compliance.onReferralCreated(ctx.manager, e);
  }

  /** Runs of the two most frequent events at once (throughput): a few statements for the run. */
  @EventPattern(batchPattern('ReferralCreated'))
  onReferralsCreated(@Payload() events: Array<EventEnvelope<ReferralCreatedData>>, @Ctx() ctx: EventBatchContext) {
    return this.compliance.onReferralsCreated(ctx.manager, events);
  }

  @EventPattern(batchPattern('AssessmentScheduled'))
  onAssessmentsScheduled(@Payload() events: Array<EventEnvelope<AssessmentScheduledData>>, @Ctx() ctx: EventBatchContext) {
    return this.compliance.onSchedulingEvents(ctx.manager, events);
  }

  @EventPattern('ReferralDeclined')
  onReferralDeclined(@Payload() e: EventEnvelope<ReferralDeclinedData>, @Ctx() ctx: EventContext) {
    return this.compliance.onReferralDeclined(ctx.manager, e);
  }

  @EventPattern('DiversionRefused')
  onDiversionRefused(@Payload() e: EventEnvelope<DiversionRefusedData>, @Ctx() ctx: EventContext) {
    return this.compliance.onDiversionRefused(ctx.manager, e);
  }

  @EventPattern('ReferralWithdrawn')
  onReferralWithdrawn(@Payload() e: EventEnvelope<ReferralWithdrawnData>, @Ctx() ctx: EventContext) {
    return this.compliance.onReferralWithdrawn(ctx.manager, e);
  }

  @EventPattern('AssessmentScheduled')
  onAssessmentScheduled(@Payload() e: EventEnvelope<AssessmentScheduledData>, @Ctx() ctx: EventContext) {
    return this.compliance.onSchedulingEvent(ctx.manager, e);
  }

  @EventPattern('AssessmentCompleted')
  onAssessmentCompleted(@Payload() e: EventEnvelope<AssessmentCompletedData>, @Ctx() ctx: EventContext) {
    return this.compliance.onSchedulingEvent(ctx.manager, e);
  }

  @EventPattern('AssessmentMissed')
  onAssessmentMissed(@Payload() e: EventEnvelope<AssessmentMissedData>, @Ctx() ctx: EventContext) {
    return this.compliance.onSchedulingEvent(ctx.manager, e);
  }

  @EventPattern('CourseBooked')
  onCourseBooked(@Payload() e: EventEnvelope<CourseBookedData>, @Ctx() ctx: EventContext) {
    return this.compliance.onSchedulingEvent(ctx.manager, e);
  }

  @EventPattern('SessionAttended')
  onSessionAttended(@Payload() e: EventEnvelope<SessionAttendedData>, @Ctx() ctx: EventContext) {
    return this.compliance.onSchedulingEvent(ctx.manager, e);
  }

  @EventPattern('CourseMissed')
  onCourseMissed(@Payload() e: EventEnvelope<CourseMissedData>, @Ctx() ctx: EventContext) {
    return this.compliance.onSchedulingEvent(ctx.manager, e);
  }

  @EventPattern('CourseCompleted')
  onCourseCompleted(@Payload() e: EventEnvelope<CourseCompletedData>, @Ctx() ctx: EventContext) {
    return this.compliance.onSchedulingEvent(ctx.manager, e);
  }

  @EventPattern('AppointmentRescheduled')
  onAppointmentRescheduled(@Payload() e: EventEnvelope<AppointmentRescheduledData>, @Ctx() ctx: EventContext) {
    return this.compliance.onSchedulingEvent(ctx.manager, e);
  }
}
