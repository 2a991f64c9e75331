import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type {
  ComplianceReviewClosedData, DiversionCompletedData, EventEnvelope, NoFurtherDiversionData, SummonsRequestedData, SummonsRequestWithdrawnData,
} from '@ddp/contracts';
import type { DiversionOutcome } from '@ddp/domain';
import { batchPattern, Clock, EventBatchContext, EventContext } from '@ddp/platform';
import { DiversionHistoryService } from '../history/diversion-history.service';
import { TimelineService } from './timeline.service';

/**
 * What the other services say about referrals (diversion.scheduling.v1 and
 * diversion.outcome.v1): each event becomes a timeline entry of its referral, and the
 * outcome events that end a diversion feed the person's diversion history. All writes
 * go through the consumer's transaction, with the inbox row.
 */
@Controller()
export class DiversionEventsConsumer {
  constructor(
    @Inject(TimelineService) private readonly timeline: TimelineService,
    @Inject(DiversionHistoryService) private readonly history: DiversionHistoryService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /* diversion.scheduling.v1: timeline only */

  @EventPattern('AssessmentScheduled') onAssessmentScheduled(@Payload() e: EventEnvelope, @Ctx() ctx: EventContext) { return this.onTimeline(e, ctx); }
  @EventPattern('AssessmentEscalated') onAssessmentEscalated(@Payload() e: EventEnvelope, @Ctx() ctx: EventContext) { return this.onTimeline(e, ctx); }
  @EventPattern('AssessmentCompleted') onAssessmentCompleted(@Payload() e: EventEnvelope, @Ctx() ctx: EventContext) { return this.onTimeline(e, ctx); }
  @EventPattern('AssessmentMissed') onAssessmentMissed(@Payload() e: EventEnvelope, @Ctx() ctx: EventContext) { return this.onTimeline(e, ctx); }
  @EventPattern('CourseBooked') onCourseBooked(@Payload() e: EventEnvelope, @Ctx() ctx: EventContext) { return this.onTimeline(e, ctx); }
  @EventPattern('SessionAttended') onSessionAttended(@Payload() e: EventEnvelope, @Ctx() ctx: EventContext) { return this.onTimeline(e, ctx); }
  @EventPattern('CourseMissed') onCourseMissed(@Payload() e: EventEnvelope, @Ctx() ctx: EventContext) { return this.onTimeline(e, ctx); }
  @EventPattern('CourseCompleted') onCourseCompleted(@Payload() e: EventEnvelope, @Ctx() ctx: EventContext) { return this.onTimeline(e, ctx); }
  @EventPattern('AttendanceOverdue') onAttendanceOverdue(@Payload() e: EventEnvelope, @Ctx() ctx: EventContext) { return this.onTimeline(e, ctx); }
  @EventPattern('AppointmentRescheduled') onAppointmentRescheduled(@Payload() e: EventEnvelope, @Ctx() ctx: EventContext) { return this.onTimeline(e, ctx); }

  /** The most frequent of them, a run at once (throughput): four statements for the run. */
  @EventPattern(batchPattern('AssessmentScheduled'))
  async onAssessmentsScheduled(@Payload() events: EventEnvelope[], @Ctx() ctx: EventBatchContext): Promise<void> {
    await this.timeline.recordEvents(ctx.manager, events, ctx.topic);
  }

  /* diversion.outcome.v1: timeline, and history where a diversion ends */

  @EventPattern('ComplianceReviewOpened') onReviewOpened(@Payload() e: EventEnvelope, @Ctx() ctx: EventContext) { return this.onTimeline(e, ctx); }
  @EventPattern('RebookingRequested') onRebookingRequested(@Payload() e: EventEnvelope, @Ctx() ctx: EventContext) { return this.onTimeline(e, ctx); }
  @EventPattern('CourtResultRecorded') onCourtResultRecorded(@Payload() e: EventEnvelope, @Ctx() ctx: EventContext) { return this.onTimeline(e, ctx); }

  @EventPattern('DiversionCompleted')
  async onDiversionCompleted(@Payload() e: EventEnvelope<DiversionCompletedData>, @Ctx() ctx: EventContext): Promise<void> {
    await this.recordOutcome(ctx, e, { personRef: e.data.personRef, schemeId: e.data.schemeId }, 'completed', e.data.completedAt);
    await this.onTimeline(e, ctx);
  }

  @EventPattern('NoFurtherDiversion')
  async onNoFurtherDiversion(@Payload() e: EventEnvelope<NoFurtherDiversionData>, @Ctx() ctx: EventContext): Promise<void> {
    await this.recordOutcome(ctx, e, { personRef: e.data.personRef, schemeId: e.data.schemeId }, 'no-further-diversion', e.data.decidedAt);
    await this.onTimeline(e, ctx);
  }

  @EventPattern('SummonsRequested')
  async onSummonsRequested(@Payload() e: EventEnvelope<SummonsRequestedData>, @Ctx() ctx: EventContext): Promise<void> {
    await this.recordOutcome(ctx, e, { personRef: e.data.personRef, schemeId: e.data.schemeId }, 'summons-requested', e.data.requestedAt);
    await this.onTimeline(e, ctx);
  }

  /**
   * A review closed: 'excused' (re-engaged) and 'withdrawn' matter to the history; the
   * other resolutions arrive as their own SummonsRequested / NoFurtherDiversion events.
   * The event carries no personRef: only referrals already in the history are updated.
   */
  @EventPattern('ComplianceReviewClosed')
  async onReviewClosed(@Payload() e: EventEnvelope<ComplianceReviewClosedData>, @Ctx() ctx: EventContext): Promise<void> {
    if (e.data.resolution === 'excused' || e.data.resolution === 'withdrawn') {
      const current = await this.history.currentOf(ctx.manager, e.data.referralId);
      if (current) await this.recordOutcome(ctx, e, current, e.data.resolution, e.data.closedAt);
    }
    await this.onTimeline(e, ctx);
  }

  /**
   * A supervisor withdrew a pending summons request: the diversion no longer ends in
   * prosecution for non-engagement, so it stops barring future diversion ('withdrawn').
   */
  @EventPattern('SummonsRequestWithdrawn')
  async onSummonsRequestWithdrawn(@Payload() e: EventEnvelope<SummonsRequestWithdrawnData>, @Ctx() ctx: EventContext): Promise<void> {
    const current = await this.history.currentOf(ctx.manager, e.data.referralId);
    if (current?.outcome === 'summons-requested') await this.recordOutcome(ctx, e, current, 'withdrawn', e.data.withdrawnAt);
    await this.onTimeline(e, ctx);
  }

  private async onTimeline(envelope: EventEnvelope, ctx: EventContext): Promise<void> {
    await this.timeline.recordEvent(ctx.manager, envelope, ctx.topic);
  }

  private async recordOutcome(
    ctx: EventContext, envelope: EventEnvelope<{ referralId: string }>, who: { personRef: string; schemeId: string }, outcome: DiversionOutcome, decidedAt: string,
  ): Promise<void> {
    await this.history.record(ctx.manager, {
      referralId: envelope.data.referralId, personRef: who.personRef, schemeId: who.schemeId, outcome, decidedAt: new Date(decidedAt),
      sourceEventType: envelope.eventType, sourceEventId: envelope.eventId, recordedAt: this.clock.now(),
    });
  }
}
