import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EventEnvelope, ReferralCreatedData, ReferralWithdrawnData } from '@ddp/contracts';
import { batchPattern, EventBatchContext, EventContext } from '@ddp/platform';
import { AssessmentService } from '../assessments/assessment.service';
import { Transactions } from '../common/transactions';
import { ReferralClosing } from '../referrals/referral-closing.service';

/** Events of the referral service (topic diversion.referral.v1). */
@Controller()
export class ReferralEventsConsumer {
  constructor(
    @Inject(Transactions) private readonly tx: Transactions,
    @Inject(AssessmentService) private readonly assessments: AssessmentService,
    @Inject(ReferralClosing) private readonly closing: ReferralClosing,
  ) {}

  /** Route, book the telephone assessment before the deadline (or escalate), schedule the deadline job. */
  @EventPattern('ReferralCreated')
  async onReferralCreated(@Payload() event: EventEnvelope<ReferralCreatedData>, @Ctx() ctx: EventContext): Promise<void> {
    await this.tx.inEvent(ctx, 'system:referral-created', (uow) => this.assessments.onReferralCreated(uow, event.data, event.correlationId));
  }

  /** A run of ReferralCreated at once: booked together, with a handful of statements (throughput). */
  @EventPattern(batchPattern('ReferralCreated'))
  async onReferralsCreated(@Payload() events: Array<EventEnvelope<ReferralCreatedData>>, @Ctx() ctx: EventBatchContext): Promise<void> {
    await this.tx.inEventBatch(ctx, 'system:referral-created', (uowFor) =>
      this.assessments.onReferralsCreated(events.map((event) => ({ uow: uowFor(event), data: event.data, correlationId: event.correlationId }))),
    );
  }

  /** Cancel the referral's open appointments and their jobs. */
  @EventPattern('ReferralWithdrawn')
  async onReferralWithdrawn(@Payload() event: EventEnvelope<ReferralWithdrawnData>, @Ctx() ctx: EventContext): Promise<void> {
    await this.tx.inEvent(ctx, 'system:referral-withdrawn', (uow) => this.closing.withdraw(uow, event.data));
  }
}
