import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '@ddp/contracts';
import { batchPattern, EventBatchContext, EventContext } from '@ddp/platform';
import { NotificationPlanner } from './notification-planner.service';

/**
 * Events in: each one is turned into notices (or cancels some) in the consumer's
 * transaction, with its inbox row. What each event sends is in notification-plans.ts.
 */
@Controller()
export class ReferralEventsConsumer {
  constructor(@Inject(NotificationPlanner) private readonly planner: NotificationPlanner) {}

  @EventPattern('ReferralCreated')
  onReferralCreated(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }

  /** A run of ReferralCreated at once (throughput): a few queries for the run. */
  @EventPattern(batchPattern('ReferralCreated'))
  onReferralsCreated(@Payload() events: EventEnvelope[], @Ctx() ctx: EventBatchContext) {
    return this.planner.handleMany(ctx.manager, events);
  }

  @EventPattern('ReferralDeclined')
  onReferralDeclined(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }

  @EventPattern('ReferralWithdrawn')
  onReferralWithdrawn(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }
}

@Controller()
export class SchedulingEventsConsumer {
  constructor(@Inject(NotificationPlanner) private readonly planner: NotificationPlanner) {}

  @EventPattern('AssessmentScheduled')
  onAssessmentScheduled(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }

  /** A run of AssessmentScheduled at once (throughput): a few queries for the run. */
  @EventPattern(batchPattern('AssessmentScheduled'))
  onAssessmentsScheduled(@Payload() events: EventEnvelope[], @Ctx() ctx: EventBatchContext) {
    return this.planner.handleMany(ctx.manager, events);
  }

  @EventPattern('CourseBooked')
  onCourseBooked(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }

  @EventPattern('AppointmentRescheduled')
  onAppointmentRescheduled(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }

  @EventPattern('AssessmentMissed')
  onAssessmentMissed(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }

  @EventPattern('AssessmentCompleted')
  onAssessmentCompleted(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }

  @EventPattern('AssessmentEscalated')
  onAssessmentEscalated(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }

  @EventPattern('CourseMissed')
  onCourseMissed(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }

  @EventPattern('CourseCompleted')
  onCourseCompleted(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }

  /** Added to the scheduling contract by another change; until it is registered no such event can arrive. */
  @EventPattern('AttendanceOverdue')
  onAttendanceOverdue(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }
}

@Controller()
export class OutcomeEventsConsumer {
  constructor(@Inject(NotificationPlanner) private readonly planner: NotificationPlanner) {}

  @EventPattern('ComplianceReviewOpened')
  onComplianceReviewOpened(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }

  /** Cancels the show-cause fallback (the provider's phone task): the review is over. */
  @EventPattern('ComplianceReviewClosed')
  onComplianceReviewClosed(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }

  @EventPattern('SummonsRequested')
  onSummonsRequested(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }

  @EventPattern('SummonsRequestWithdrawn')
  onSummonsRequestWithdrawn(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }

  @EventPattern('DiversionCompleted')
  onDiversionCompleted(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }

  @EventPattern('NoFurtherDiversion')
  onNoFurtherDiversion(@Payload() event: EventEnvelope, @Ctx() ctx: EventContext) {
    return this.planner.handle(ctx.manager, event);
  }
}
